#include "sessions/websocketsession.h"

#include "logging.h"

namespace Postern::Sessions {

namespace {
constexpr auto kCloseGrace = std::chrono::seconds(5); // how long a peer has to answer our close
constexpr qint64 kMinimumPendingOutput = 1024 * 1024;
}

WebSocketSession::WebSocketSession(QWebSocket *socket, QString serviceName, Frontdoor::ConnectionInfo connection,
                                   const Config::AcceptOptions &options, QObject *parent)
    : QObject(parent), m_socket(socket), m_serviceName(std::move(serviceName)),
      m_connection(std::move(connection)), m_startedAt(QDateTime::currentDateTimeUtc())
{
    m_age.start();
    m_socket->setParent(this);
    m_socket->setMaxAllowedIncomingMessageSize(quint64(options.maximumMessageSize));
    m_socket->setMaxAllowedIncomingFrameSize(quint64(options.maximumMessageSize));

    connect(m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &message) {
        ++m_counters.messagesIn;
        m_counters.bytesIn += quint64(message.toUtf8().size());
        Q_EMIT textMessageReceived(message);
    });
    connect(m_socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &message) {
        ++m_counters.messagesIn;
        m_counters.bytesIn += quint64(message.size());
        Q_EMIT binaryMessageReceived(message);
    });
    connect(m_socket, &QWebSocket::disconnected, this, &WebSocketSession::onDisconnected);

    if (options.inactivityTimeout.count() > 0) {
        // Every half timeout: a quiet peer gets a ping; a peer quiet for a whole timeout
        // (its ping unanswered) is closed.
        connect(m_socket, &QWebSocket::textFrameReceived, this, &WebSocketSession::noteActivity);
        connect(m_socket, &QWebSocket::binaryFrameReceived, this, &WebSocketSession::noteActivity);
        connect(m_socket, &QWebSocket::pong, this, &WebSocketSession::noteActivity);
        m_inactivity.setInterval(std::max<std::chrono::milliseconds>(options.inactivityTimeout / 2,
                                                                     std::chrono::milliseconds(1)));
        connect(&m_inactivity, &QTimer::timeout, this, &WebSocketSession::onInactivityTick);
        m_inactivity.start();
    }
    m_closeGrace.setSingleShot(true);
    m_closeGrace.setInterval(kCloseGrace);
    connect(&m_closeGrace, &QTimer::timeout, m_socket, &QWebSocket::abort);

    // At most this much may wait unsent for a peer that does not read (echo replies, pongs).
    m_maximumPendingOutput = qMax<qint64>(4 * options.maximumMessageSize, kMinimumPendingOutput);
    if (!m_socket->isValid()) {
        // The peer left between the handshake and now: there will be no disconnected() to wait for.
        QMetaObject::invokeMethod(this, &WebSocketSession::onDisconnected, Qt::QueuedConnection);
    }
}

void WebSocketSession::closeAfter(std::chrono::milliseconds delay, const QString &reason)
{
    m_sessionTimeout.setSingleShot(true);
    connect(&m_sessionTimeout, &QTimer::timeout, this,
            [this, reason] { close(QWebSocketProtocol::CloseCodePolicyViolated, reason); });
    m_sessionTimeout.start(delay);
}

bool WebSocketSession::canSend(qint64 size)
{
    if (m_socket->bytesToWrite() + size <= m_maximumPendingOutput)
        return true;
    close(QWebSocketProtocol::CloseCodePolicyViolated,
          QStringLiteral("peer is not reading (%1 bytes unsent)").arg(m_socket->bytesToWrite()));
    // It cannot read the close frame either: do not wait the whole grace period for it.
    m_socket->abort();
    return false;
}

WebSocketSession::~WebSocketSession() = default;

void WebSocketSession::sendText(const QString &message)
{
    if (!canSend(message.size()))
        return;
    ++m_counters.messagesOut;
    m_counters.bytesOut += quint64(m_socket->sendTextMessage(message));
}

void WebSocketSession::sendBinary(const QByteArray &message)
{
    if (!canSend(message.size()))
        return;
    ++m_counters.messagesOut;
    m_counters.bytesOut += quint64(m_socket->sendBinaryMessage(message));
}

void WebSocketSession::close(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    if (m_finished || m_closeGrace.isActive() || !m_closeNote.isEmpty())
        return;
    m_closeNote = reason;
    m_inactivity.stop();
    m_socket->close(code, reason);
    m_closeGrace.start();
}

void WebSocketSession::noteActivity()
{
    m_pingOutstanding = false;
    if (m_inactivity.isActive())
        m_inactivity.start(); // restart the half-timeout period
}

void WebSocketSession::onInactivityTick()
{
    if (m_pingOutstanding) {
        close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("inactivity timeout"));
        return;
    }
    m_pingOutstanding = true;
    m_socket->ping();
}

void WebSocketSession::onDisconnected()
{
    if (m_finished)
        return;
    m_finished = true;
    m_inactivity.stop();
    m_closeGrace.stop();
    m_sessionTimeout.stop();
    const QString note = m_closeNote.isEmpty()
        ? QStringLiteral("close %1%2").arg(int(m_socket->closeCode()))
              .arg(m_socket->closeReason().isEmpty() ? QString() : QStringLiteral(" \"%1\"").arg(m_socket->closeReason()))
        : QStringLiteral("closed by gateway: %1").arg(m_closeNote);
    qCInfo(lcSession).noquote() << QStringLiteral("session %1 ended: service '%2', client %3%4, %5, "
                                                  "in %6 msg/%7 B, out %8 msg/%9 B, %10 ms")
                                       .arg(m_id).arg(m_serviceName, m_connection.peer(),
                                                      m_connection.user.isEmpty() ? QString()
                                                                                  : QStringLiteral(", user '%1'").arg(m_connection.user),
                                                      note)
                                       .arg(m_counters.messagesIn).arg(m_counters.bytesIn)
                                       .arg(m_counters.messagesOut).arg(m_counters.bytesOut)
                                       .arg(m_age.elapsed());
    Q_EMIT finished();
    deleteLater();
}

} // namespace Postern::Sessions
