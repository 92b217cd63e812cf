#include "broadcast/clientqueue.h"

#include "sessions/websocketsession.h"
#include "websocket/endpoint.h"

namespace Postern::Broadcast {

ClientQueue::ClientQueue(Sessions::WebSocketSession *session, qint64 maximumBytes,
                         Config::BroadcastOptions::SlowConsumer policy)
    : QObject(session), m_session(session), m_maximum(maximumBytes), m_policy(policy)
{
    connect(session->endpoint(), &WebSocket::Endpoint::bytesWritten, this, &ClientQueue::pump);
}

void ClientQueue::setLimits(qint64 maximumBytes, Config::BroadcastOptions::SlowConsumer policy)
{
    m_maximum = maximumBytes;
    m_policy = policy;
}

bool ClientQueue::push(WebSocket::Opcode opcode, const QByteArray &payload)
{
    WebSocket::Endpoint *endpoint = m_session->endpoint();
    if (m_closed || endpoint->isCloseSent() || endpoint->isFinished())
        return false;
    if (m_queue.empty() && endpoint->bytesToWrite() < kSocketWatermark) {
        endpoint->sendMessage(opcode, payload);
        return true;
    }
    if (!m_queue.empty() && m_bytes + payload.size() > m_maximum) {
        if (m_policy == Config::BroadcastOptions::SlowConsumer::Disconnect) {
            m_closed = true;
            const qint64 waiting = m_bytes + endpoint->bytesToWrite();
            m_queue.clear();
            m_bytes = 0;
            publish();
            m_session->noteEnding(QStringLiteral("slow consumer: %1 bytes waiting, maximum.pending.bytes is %2: closed with 1008")
                                      .arg(waiting).arg(m_maximum));
            m_session->close(WebSocket::CloseCode::PolicyViolation, QStringLiteral("slow consumer: too far behind"));
            Q_EMIT overflowed();
            return false;
        }
        quint64 count = 0;
        while (!m_queue.empty() && m_bytes + payload.size() > m_maximum) {
            m_bytes -= m_queue.front().payload.size();
            m_queue.pop_front();
            ++count;
        }
        m_dropped += count;
        Q_EMIT dropped(count);
    }
    m_queue.push_back({opcode, payload});
    m_bytes += payload.size();
    publish();
    return true;
}

void ClientQueue::pump()
{
    WebSocket::Endpoint *endpoint = m_session->endpoint();
    if (m_queue.empty() || m_closed)
        return;
    while (!m_queue.empty() && endpoint->bytesToWrite() < kSocketWatermark && !endpoint->isCloseSent()) {
        Pending &next = m_queue.front();
        endpoint->sendMessage(next.opcode, next.payload);
        m_bytes -= next.payload.size();
        m_queue.pop_front();
    }
    publish();
}

void ClientQueue::publish()
{
    m_session->setDelivery(m_bytes, m_dropped);
}

} // namespace Postern::Broadcast
