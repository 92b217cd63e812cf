#include "sessions/websocketsession.h"

#include "logging.h"
#include "logline.h"
#include "sessions/sessionregistry.h"

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

WebSocketSession::~WebSocketSession()
{
    // Destroyed without ending (its worker thread stopped before it drained): the registry
    // must not keep it.
    if (m_registry && !m_finished)
        m_registry->remove(this);
}

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
    const Counters counters = m_endpoint->counters();
    // One line per session end, in the format of docs/operations.md ("Log format").
    LogLine line(QStringLiteral("session-end"));
    line.add(QStringLiteral("id"), qint64(m_id))
        .add(QStringLiteral("service"), m_serviceName)
        .add(QStringLiteral("client"), m_connection.peer())
        .addIfSet(QStringLiteral("user"), m_connection.user)
        .addIfSet(QStringLiteral("backend"), m_backend)
        .add(QStringLiteral("close_sent"), qint64(m_endpoint->localCloseCode()))
        .add(QStringLiteral("close_received"), qint64(m_endpoint->peerCloseCode()))
        .add(QStringLiteral("ending"), m_note)
        .add(QStringLiteral("msgs_in"), qint64(counters.messagesIn))
        .add(QStringLiteral("bytes_in"), qint64(counters.bytesIn))
        .add(QStringLiteral("msgs_out"), qint64(counters.messagesOut))
        .add(QStringLiteral("bytes_out"), qint64(counters.bytesOut))
        .add(QStringLiteral("duration_ms"), m_age.elapsed());
    qCInfo(lcSession).noquote() << line.text();
    if (m_registry)
        m_registry->remove(this);
    Q_EMIT finished();
    deleteLater();
}

} // namespace Postern::Sessions
