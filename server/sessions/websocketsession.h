#pragma once

// One live WebSocket session: owns the QWebSocket, enforces the accept options that apply
// to it (message size, inactivity), counts messages and bytes, and closes cleanly.

#include "config/acceptoptions.h"
#include "frontdoor/connectioninfo.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <QWebSocket>

namespace Postern::Sessions {

class WebSocketSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebSocketSession)

public:
    struct Counters
    {
        quint64 messagesIn = 0;
        quint64 messagesOut = 0;
        quint64 bytesIn = 0;
        quint64 bytesOut = 0;
    };

    WebSocketSession(QWebSocket *socket, QString serviceName, Frontdoor::ConnectionInfo connection,
                     const Config::AcceptOptions &options, QObject *parent = nullptr);
    ~WebSocketSession() override;

    quint64 id() const { return m_id; }
    void setId(quint64 id) { m_id = id; }
    const QString &serviceName() const { return m_serviceName; }
    const Frontdoor::ConnectionInfo &connection() const { return m_connection; }
    QDateTime startedAt() const { return m_startedAt; }
    const Counters &counters() const { return m_counters; }
    QWebSocket *socket() const { return m_socket; }

    void sendText(const QString &message);
    void sendBinary(const QByteArray &message);
    // Closes the session with 1008 and `reason` when `delay` has passed (session-timeout).
    void closeAfter(std::chrono::milliseconds delay, const QString &reason);
    // Sends a close frame; the connection is dropped if the peer does not answer in time.
    void close(QWebSocketProtocol::CloseCode code, const QString &reason);

Q_SIGNALS:
    void textMessageReceived(const QString &message);
    void binaryMessageReceived(const QByteArray &message);
    void finished();

private:
    // Whether `size` more bytes may be queued; if not, the session is closed (1008).
    bool canSend(qint64 size);
    void noteActivity();
    void onInactivityTick();
    void onDisconnected();

    QWebSocket *m_socket;
    QString m_serviceName;
    Frontdoor::ConnectionInfo m_connection;
    quint64 m_id = 0;
    QDateTime m_startedAt;
    QElapsedTimer m_age;
    Counters m_counters;
    QTimer m_inactivity;
    QTimer m_closeGrace;
    QTimer m_sessionTimeout;
    qint64 m_maximumPendingOutput = 0;
    bool m_pingOutstanding = false;
    bool m_finished = false;
    QString m_closeNote; // why we closed, for the log line
};

} // namespace Postern::Sessions
