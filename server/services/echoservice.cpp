#include "services/echoservice.h"

#include "sessions/websocketsession.h"

namespace Postern::Services {

void EchoService::upgrade(Frontdoor::PendingUpgrade *upgrade)
{
    Sessions::WebSocketSession *session = acceptUpgrade(upgrade, {}, clientEndpointOptions());
    if (!session)
        return;
    WebSocket::Endpoint *endpoint = session->endpoint();
    connect(endpoint, &WebSocket::Endpoint::messageReceived, endpoint,
            [endpoint](WebSocket::Opcode opcode, const QByteArray &payload) { endpoint->sendMessage(opcode, payload); });
    session->start();
}

} // namespace Postern::Services
