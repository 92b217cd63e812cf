#include "sessions/websocketsession.h"

#include "logging.h"

namespace Postern::Sessions {

WebSocketSession::WebSocketSession(WebSocket::Endpoint *endpoint, QString serviceName,
                                   Frontdoor::ConnectionInfo connection, QObject *parent)
    : QObject(parent), m_endpoint(endpoint), m_serviceName(std::move(serviceName)),
      m_connection(std::move(connection)), m_startedAt(QDateTime::currentDateTimeUtc())
{
    m_age.start();
    m_endpoint->setParent(this);
    connect(m_endpoint, &WebSocket::Endpoint::disconnected, this, &WebSocketSession::onEndpointFinished);
    connect(m_endpoint, &WebSocket::Endpoint::protocolError, this, [this](quint16 code, const QString &reason) {
        m_note = QStringLiteral("gateway closed with %1: %2").arg(code).arg(reason);
    });
    connect(m_endpoint, &WebSocket::Endpoint::outputOverflow, this, [this](qint64 unsent) {
        m_note = QStringLiteral("client is not reading (%1 bytes unsent): closed with 1008 and cut off").arg(unsent);
        qCInfo(lcSession).noquote() << QStringLiteral("session %1: %2").arg(m_id).arg(m_note);
    });
    m_sessionTimeout.setSingleShot(true);
}

WebSocketSession::~WebSocketSession() = default;

void WebSocketSession::start()
{
    m_endpoint->start();
}

void WebSocketSession::release()
{
    Q_ASSERT(m_holds > 0);
    if (--m_holds == 0 && m_clientGone)
        finish();
}

void WebSocketSession::closeAfter(std::chrono::milliseconds delay, const QString &reason)
{
    connect(&m_sessionTimeout, &QTimer::timeout, this,
            [this, reason] { close(WebSocket::CloseCode::PolicyViolation, reason); });
    m_sessionTimeout.start(delay);
}

void WebSocketSession::close(quint16 code, const QString &reason)
{
    if (m_endpoint->isCloseSent() || m_endpoint->isFinished())
        return;
    if (m_note.isEmpty())
        m_note = QStringLiteral("closed by gateway with %1: %2").arg(code).arg(reason);
    m_endpoint->close(code, reason);
}

void WebSocketSession::onEndpointFinished()
{
    m_clientGone = true;
    m_sessionTimeout.stop();
    if (m_note.isEmpty()) {
        const quint16 code = m_endpoint->peerCloseCode();
        if (code == WebSocket::CloseCode::Abnormal && m_endpoint->isCloseSent()) {
            // The endpoint closed on its own (inactivity timeout) and the client never answered.
            m_note = QStringLiteral("gateway closed with %1: %2; the client did not answer")
                         .arg(m_endpoint->localCloseCode()).arg(m_endpoint->localCloseReason());
        } else if (code == WebSocket::CloseCode::Abnormal) {
            m_note = QStringLiteral("connection lost without a close (1006)");
        } else {
            m_note = QStringLiteral("client closed with %1%2").arg(code).arg(
                m_endpoint->peerCloseReason().isEmpty() ? QString()
                                                        : QStringLiteral(" \"%1\"").arg(m_endpoint->peerCloseReason()));
        }
    }
    finish();
}

void WebSocketSession::finish()
{
    if (m_finished || m_holds > 0)
        return;
    m_finished = true;
    const Counters &counters = m_endpoint->counters();
    qCInfo(lcSession).noquote() << QStringLiteral("session %1 ended: service '%2', client %3%4%5, %6, "
                                                  "in %7 msg/%8 B, out %9 msg/%10 B, %11 ms")
                                       .arg(m_id).arg(m_serviceName, m_connection.peer(),
                                                      m_connection.user.isEmpty() ? QString()
                                                                                  : QStringLiteral(", user '%1'").arg(m_connection.user),
                                                      m_backend.isEmpty() ? QString() : QStringLiteral(", back-end %1").arg(m_backend),
                                                      m_note)
                                       .arg(counters.messagesIn).arg(counters.bytesIn)
                                       .arg(counters.messagesOut).arg(counters.bytesOut)
                                       .arg(m_age.elapsed());
    Q_EMIT finished();
    deleteLater();
}

} // namespace Postern::Sessions
