#pragma once

// One live client WebSocket session, as the registry and the log know it: its service, the
// client and its login, the endpoint that speaks the protocol, its counters, and how it
// ended. The service gives it behaviour by connecting to the endpoint.
// It lives in one thread (the worker that accepted it). What the registry's readers in other
// threads use is safe there: id, serviceName, connection, startedAt (fixed once registered),
// counters, backend, queuedBytes and droppedMessages.

#include "frontdoor/connectioninfo.h"
#include "websocket/endpoint.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QMutex>
#include <QObject>
#include <QTimer>

#include <atomic>

namespace Postern::Sessions {

class SessionRegistry;

class WebSocketSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebSocketSession)

public:
    using Counters = WebSocket::Endpoint::Counters;

    // Takes the endpoint (and starts it once the session is set up: see start()).
    WebSocketSession(WebSocket::Endpoint *endpoint, QString serviceName, Frontdoor::ConnectionInfo connection,
                     QObject *parent = nullptr);
    ~WebSocketSession() override;

    quint64 id() const { return m_id; }
    // Set by the registry when it takes the session; it is told when the session ends.
    void setId(quint64 id) { m_id = id; }
    void setRegistry(SessionRegistry *registry) { m_registry = registry; }
    const QString &serviceName() const { return m_serviceName; }
    const Frontdoor::ConnectionInfo &connection() const { return m_connection; }
    QDateTime startedAt() const { return m_startedAt; }
    Counters counters() const { return m_endpoint->counters(); }
    WebSocket::Endpoint *endpoint() const { return m_endpoint; }

    // What the session is connected to beyond the gateway ("tcp://db:5432"), for the log.
    void setBackend(const QString &description)
    {
        const QMutexLocker lock(&m_backendMutex);
        m_backend = description;
    }
    QString backend() const
    {
        const QMutexLocker lock(&m_backendMutex);
        return m_backend;
    }
    // How the session ended, for its log line, when the service knows better than the client
    // endpoint (a back-end that went away). The first note stays.
    void noteEnding(const QString &note)
    {
        if (m_note.isEmpty())
            m_note = note;
    }
    // A broadcast client's queue: what waits for it in the gateway, and the messages it lost
    // (slow.consumer drop-oldest). Zero for other services.
    void setDelivery(qint64 queuedBytes, quint64 droppedMessages)
    {
        m_queuedBytes.store(queuedBytes, std::memory_order_relaxed);
        m_droppedMessages.store(droppedMessages, std::memory_order_relaxed);
    }
    qint64 queuedBytes() const { return m_queuedBytes.load(std::memory_order_relaxed); }
    quint64 droppedMessages() const { return m_droppedMessages.load(std::memory_order_relaxed); }
    // While held, the session outlives its client (a relay still closing its back-end side):
    // it ends at the last release() after the client has gone.
    void hold() { ++m_holds; }
    void release();

    // Starts reading from the client; the service connects to the endpoint first.
    void start();
    // Closes the session with 1008 and `reason` when `delay` has passed (session-timeout).
    void closeAfter(std::chrono::milliseconds delay, const QString &reason);
    // Sends a close frame; the connection is cut if the client does not answer in time.
    void close(quint16 code, const QString &reason);

Q_SIGNALS:
    void finished();

private:
    void onEndpointFinished();
    void finish();

    WebSocket::Endpoint *m_endpoint;
    SessionRegistry *m_registry = nullptr;
    QString m_serviceName;
    Frontdoor::ConnectionInfo m_connection;
    mutable QMutex m_backendMutex;
    QString m_backend;
    quint64 m_id = 0;
    QDateTime m_startedAt;
    QElapsedTimer m_age;
    QTimer m_sessionTimeout;
    QString m_note; // how it ended, for the log line
    int m_holds = 0;
    std::atomic<qint64> m_queuedBytes = 0;
    std::atomic<quint64> m_droppedMessages = 0;
    bool m_clientGone = false;
    bool m_finished = false;
};

} // namespace Postern::Sessions
