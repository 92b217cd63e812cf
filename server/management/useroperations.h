#pragma once

// users.*: the users of a realm's file login module (its first one): list (names and roles,
// never passwords), add, set password (hashed here with Argon2id), set roles, remove. The
// users file is rewritten atomically, owner-only, and the gateway reloads its realms from it.

#include "management/gatewaycontrol.h"
#include "management/operationtable.h"

namespace Postern::Auth { class UsersFile; }

namespace Postern::Management {

class UserOperations
{
public:
    explicit UserOperations(GatewayControl *gateway) : m_gateway(gateway) {}

    void registerOn(OperationTable &table);

private:
    // The users file of the realm named in params.realm.
    std::expected<QString, ManagementError> usersFile(const Params &params) const;
    // Loads the users file, lets `change` edit it, saves it and reloads the realms.
    OperationResult change(const Params &params,
                           const std::function<std::expected<QJsonValue, ManagementError>(Auth::UsersFile &)> &edit);

    OperationResult list(const Params &params) const;

    GatewayControl *m_gateway;
};

} // namespace Postern::Management
