#include "services/echoservice.h"

#include "sessions/websocketsession.h"

namespace Postern::Services {

void EchoService::startSession(Sessions::WebSocketSession *session)
{
    connect(session, &Sessions::WebSocketSession::textMessageReceived, session,
            &Sessions::WebSocketSession::sendText);
    connect(session, &Sessions::WebSocketSession::binaryMessageReceived, session,
            &Sessions::WebSocketSession::sendBinary);
}

} // namespace Postern::Services
