#pragma once

// sessions.*: the live sessions from the registry, and closing them.

#include "management/gatewaycontrol.h"
#include "management/operationtable.h"

#include <QJsonObject>

namespace Postern::Sessions { class WebSocketSession; }

namespace Postern::Management {

class SessionOperations
{
public:
    explicit SessionOperations(GatewayControl *gateway) : m_gateway(gateway) {}

    void registerOn(OperationTable &table);

    // Everything the registry holds of a session.
    static QJsonObject sessionJson(const Sessions::WebSocketSession &session);

private:
    OperationResult list(const Params &params) const;
    OperationResult get(const Params &params) const;
    OperationResult close(const Params &params, const Caller &caller);

    GatewayControl *m_gateway;
};

} // namespace Postern::Management
