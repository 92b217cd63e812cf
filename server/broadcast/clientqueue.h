#pragma once

// What waits to be sent to one broadcast client. A message goes to the client's socket while
// the socket holds less than kSocketWatermark unsent; the rest wait here, sharing their
// payload with every other client's queue (one copy of a message, however many clients).
// The queue holds at most maximum.pending.bytes: a client that falls further behind is
// closed with 1008 (slow.consumer disconnect) or loses its oldest waiting messages
// (drop-oldest). A single message larger than the limit still goes out when nothing else
// waits. So one slow client never slows the others and never holds more than its share.

#include "config/broadcastoptions.h"
#include "websocket/opcode.h"

#include <QByteArray>
#include <QObject>

#include <deque>

namespace Postern::Sessions { class WebSocketSession; }

namespace Postern::Broadcast {

class ClientQueue final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientQueue)

public:
    static constexpr qint64 kSocketWatermark = 64 * 1024;

    // Lives as long as `session` (its parent).
    ClientQueue(Sessions::WebSocketSession *session, qint64 maximumBytes, Config::BroadcastOptions::SlowConsumer policy);

    Sessions::WebSocketSession *session() const { return m_session; }
    void setLimits(qint64 maximumBytes, Config::BroadcastOptions::SlowConsumer policy);
    // Queues (and sends what fits); false when the client was closed or is closing.
    bool push(WebSocket::Opcode opcode, const QByteArray &payload);
    qint64 queuedBytes() const { return m_bytes; }
    quint64 droppedMessages() const { return m_dropped; }
    bool isClosed() const { return m_closed; }

Q_SIGNALS:
    // `count` messages were dropped to make room (drop-oldest).
    void dropped(quint64 count);
    // The client was closed for being too slow (disconnect).
    void overflowed();

private:
    struct Pending
    {
        WebSocket::Opcode opcode;
        QByteArray payload;
    };

    void pump();
    void publish();

    Sessions::WebSocketSession *m_session;
    qint64 m_maximum;
    Config::BroadcastOptions::SlowConsumer m_policy;
    std::deque<Pending> m_queue;
    qint64 m_bytes = 0;
    quint64 m_dropped = 0;
    bool m_closed = false;
};

} // namespace Postern::Broadcast
