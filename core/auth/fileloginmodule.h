#pragma once

// type "file": users, passwords and roles from a jaas-config.xml users file.

#include "auth/loginmodule.h"
#include "auth/usersfile.h"

namespace Postern::Auth {

class FileLoginModule final : public LoginModule
{
public:
    explicit FileLoginModule(UsersFile users) : m_users(std::move(users)) {}
    std::expected<LoginResult, QString> login(const Credentials &credentials) const override;

private:
    UsersFile m_users;
};

} // namespace Postern::Auth
