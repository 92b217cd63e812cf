#include "proxy/proxyrelay.h"

#include "logging.h"
#include "net/descriptortransport.h"
#include "net/sockettransport.h"
#include "sessions/websocketsession.h"

#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <array>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Postern::Proxy {

namespace {

// A binary message to the client costs at most this much more than its payload (its header).
constexpr qint64 kFrameOverhead = 10;
// A TLS record's header, explicit nonce and tag (TLS 1.2 AES-GCM; TLS 1.3 needs 22).
constexpr qint64 kTlsRecordOverhead = 29;
// How long a back-end has to close its side once the client has gone.
constexpr auto kBackendCloseTimeout = std::chrono::seconds(5);
// What a tcp/ssl back-end's bytes are read into on their way to the client (at most the
// relay's read buffer, which readBufferSize() bounds by this).
constexpr qint64 kChunk = 64 * 1024;

char *readChunk()
{
    thread_local std::array<char, kChunk> chunk;
    return chunk.data();
}

// A plain back-end connection is read and written by Postern itself; TLS stays with Qt.
Net::Transport *transportFor(QTcpSocket *socket)
{
    if (Net::DescriptorTransport *transport = Net::DescriptorTransport::takeOver(socket)) {
        socket->deleteLater();
        return transport;
    }
    return new Net::SocketTransport(socket);
}

QString peerOf(const QTcpSocket *socket)
{
    const QHostAddress address = socket->peerAddress();
    return (address.protocol() == QAbstractSocket::IPv6Protocol ? u'[' + address.toString() + u']' : address.toString())
        + u':' + QString::number(socket->peerPort());
}

} // namespace

ProxyRelay::ProxyRelay(Sessions::WebSocketSession *session, BackendTargetPtr target, qint64 maximumPendingBytes)
    : QObject(session), m_session(session), m_client(session->endpoint()), m_target(std::move(target)),
      m_limit(maximumPendingBytes), m_readBuffer(readBufferSize(maximumPendingBytes))
{
    m_session->setBackend(m_target->url);
    connect(m_client, &WebSocket::Endpoint::frameReceived, this, &ProxyRelay::onClientPiece);
    connect(m_client, &WebSocket::Endpoint::closeReceived, this, &ProxyRelay::onClientClose);
    connect(m_client, &WebSocket::Endpoint::disconnected, this, &ProxyRelay::onClientGone);
    connect(m_client, &WebSocket::Endpoint::bytesWritten, this, &ProxyRelay::resumeBackendIfDrained);
    // Client to back-end: what is queued toward the back-end and what the client endpoint
    // holds stay within the budget, less what the client's socket may read ahead.
    m_client->setReadBudget([this] {
        if (!m_backendWs && !m_backendTcp && !m_waiting.isEmpty())
            return qint64(0); // deferred: nothing more until the connection is made
        return m_limit - m_readBuffer - tlsReserve(m_target->isTls()) - queuedTowardBackend() - m_client->heldIncoming();
    });
}

ProxyRelay::~ProxyRelay()
{
    closeBackendDescriptor();
}

void ProxyRelay::closeBackendDescriptor()
{
    if (m_backendDescriptor >= 0)
        ::close(m_backendDescriptor);
    m_backendDescriptor = -1;
}

bool ProxyRelay::backendWasReset() const
{
    if (m_backendDescriptor < 0)
        return false;
    tcp_info info = {};
    socklen_t length = sizeof info;
    if (::getsockopt(m_backendDescriptor, IPPROTO_TCP, TCP_INFO, &info, &length) != 0)
        return false;
    // An orderly end leaves our side in CLOSE_WAIT; a reset takes the connection to CLOSE.
    return info.tcpi_state == TCP_CLOSE;
}

WebSocket::Endpoint::Options ProxyRelay::clientOptions(WebSocket::Endpoint::Options base, const BackendTarget &target,
                                                       qint64 maximumPendingBytes)
{
    base.delivery = WebSocket::Endpoint::Delivery::Frames;
    base.maximumPendingOutput = 0; // back-pressure instead
    base.readBufferSize = readBufferSize(maximumPendingBytes);
    base.answerCloseAtOnce = !target.isWebSocket();
    base.deliverDataAfterClose = true; // the other side may finish its message before it answers
    return base;
}

qint64 ProxyRelay::readBufferSize(qint64 maximumPendingBytes)
{
    return qBound(qint64(1024), maximumPendingBytes / 4, qint64(64 * 1024)); // as BackendTarget::readAhead
}

qint64 ProxyRelay::tlsReserve(bool encrypted) const
{
    // Encryption makes what is queued grow a little: a TLS record (at most 16 KiB, and Qt
    // gathers writes into records) carries at most 29 bytes more than its payload.
    return encrypted ? kTlsRecordOverhead * (m_limit / (16 * 1024) + 2) : 0;
}

qint64 ProxyRelay::queuedTowardBackend() const
{
    qint64 queued = m_waitingBytes;
    if (m_backendWs)
        queued += m_backendWs->bytesToWrite();
    else if (m_backendTcp)
        queued += m_backendTcp->unsent();
    return queued;
}

qint64 ProxyRelay::bufferedBytes() const
{
    qint64 held = m_client->bufferedIncoming() + m_client->bytesToWrite() + m_waitingBytes;
    if (m_backendWs)
        held += m_backendWs->bufferedIncoming() + m_backendWs->bytesToWrite();
    else if (m_backendTcp)
        held += m_backendTcp->bytesAvailable() + m_backendTcp->unsent();
    return held;
}

void ProxyRelay::attach(QTcpSocket *backend)
{
    m_session->setBackend(QStringLiteral("%1 (%2)").arg(m_target->url, peerOf(backend)));
    if (!m_holding) {
        m_holding = true;
        m_session->hold();
    }
    if (m_target->isWebSocket()) {
        WebSocket::Endpoint::Options options;
        options.delivery = WebSocket::Endpoint::Delivery::Frames;
        options.maximumMessageSize = m_target->options.maximumMessageSize;
        options.inactivityTimeout = m_target->options.inactivityTimeout;
        options.readBufferSize = m_readBuffer;
        options.answerCloseAtOnce = false;
        options.deliverDataAfterClose = true;
        m_backendWs = new WebSocket::Endpoint(transportFor(backend), WebSocket::Endpoint::Role::Client, options, this);
        connect(m_backendWs, &WebSocket::Endpoint::frameReceived, m_client, &WebSocket::Endpoint::sendPiece);
        connect(m_backendWs, &WebSocket::Endpoint::closeReceived, this, &ProxyRelay::onBackendClose);
        connect(m_backendWs, &WebSocket::Endpoint::disconnected, this, &ProxyRelay::onBackendGone);
        connect(m_backendWs, &WebSocket::Endpoint::bytesWritten, this, &ProxyRelay::resumeClientIfDrained);
        connect(m_backendWs, &WebSocket::Endpoint::protocolError, this, [this](quint16 code, const QString &reason) {
            closeClient(WebSocket::CloseCode::InternalError, QStringLiteral("back-end failed: %1").arg(reason));
            m_session->noteEnding(QStringLiteral("back-end broke the protocol (gateway closed it with %1: %2); "
                                                 "client closed with 1011").arg(code).arg(reason));
        });
        m_backendWs->setReadBudget([this] {
            return m_limit - m_readBuffer - tlsReserve(m_session->connection().secure) - m_client->bytesToWrite()
                - m_backendWs->heldIncoming();
        });
    } else {
        m_backendDescriptor = ::dup(int(backend->socketDescriptor()));
        m_backendTcp = transportFor(backend);
        m_backendTcp->setParent(this);
        m_backendTcp->setReadAhead(m_readBuffer);
        connect(m_backendTcp, &Net::Transport::readyRead, this, &ProxyRelay::pumpTcpBackend);
        connect(m_backendTcp, &Net::Transport::sent, this, &ProxyRelay::resumeClientIfDrained);
        connect(m_backendTcp, &Net::Transport::disconnected, this, &ProxyRelay::onBackendGone);
    }
    // What the client sent while the connection was made goes first.
    const QList<WebSocket::Frame> waiting = std::exchange(m_waiting, {});
    m_waitingBytes = 0;
    for (const WebSocket::Frame &piece : waiting)
        onClientPiece(piece);
    if (m_backendWs)
        m_backendWs->start();
    if (m_pendingClose) {
        const auto [code, reason] = *std::exchange(m_pendingClose, std::nullopt);
        onClientClose(code, reason);
    }
    if (m_connector)
        m_connector->deleteLater(); // spent
    if (m_clientGone) {
        onClientGone();
        return;
    }
    if (m_backendTcp) {
        if (!m_backendTcp->isOpen())
            QMetaObject::invokeMethod(this, &ProxyRelay::onBackendGone, Qt::QueuedConnection);
        else
            pumpTcpBackend();
    }
    resumeClientIfDrained();
}

void ProxyRelay::connectOnFirstMessage(const BackendConnector::ClientRequest &request)
{
    m_deferred = true;
    m_request = request;
    m_request.protocols.clear();
}

void ProxyRelay::onClientPiece(const WebSocket::Frame &piece)
{
    if (m_backendWs) {
        m_backendWs->sendPiece(piece);
    } else if (m_backendTcp) {
        if (!piece.payload.isEmpty() && m_backendTcp->isOpen())
            m_backendTcp->write(piece.payload);
    } else {
        // Deferred: this piece starts the connection; the client is not read on until it is
        // made (what it sends meanwhile waits in the kernel), so the waiting stays one piece.
        m_waiting.append(piece);
        m_waitingBytes += piece.payload.size();
        m_client->pauseReading();
        if (m_deferred && !m_connector)
            startDeferredConnect();
    }
}

void ProxyRelay::startDeferredConnect()
{
    m_connector = new BackendConnector(m_target, this);
    connect(m_connector, &BackendConnector::transportReady, this, [this] {
        if (m_target->isWebSocket())
            m_connector->upgrade(m_request);
        else
            attach(m_connector->takeSocket());
    });
    connect(m_connector, &BackendConnector::upgraded, this, [this] { attach(m_connector->takeSocket()); });
    connect(m_connector, &BackendConnector::failed, this, [this](int, const QString &reason) { backendFailed(reason); });
    m_connector->connectTransport();
}

void ProxyRelay::backendFailed(const QString &reason)
{
    qCWarning(lcProxy).noquote() << QStringLiteral("session %1 (client %2): %3")
                                        .arg(m_session->id()).arg(m_session->connection().peer(), reason);
    m_session->noteEnding(QStringLiteral("back-end unreachable, client closed with 1011: %1").arg(reason));
    m_waiting.clear();
    m_waitingBytes = 0;
    closeClient(WebSocket::CloseCode::InternalError, QStringLiteral("back-end unreachable"));
    if (m_clientGone)
        finishBackend();
}

void ProxyRelay::closeClient(quint16 code, const QString &reason)
{
    if (m_client->isFinished() || m_client->isCloseSent())
        return;
    if (m_client->isSendingFrame()) {
        // A frame from the back-end was cut off: no close frame can follow it.
        m_client->abort();
        return;
    }
    m_client->close(code, reason);
}

void ProxyRelay::onClientClose(quint16 code, const QString &reason)
{
    if (m_backendWs) {
        // Carried across; for a close the back-end began, this is the client's answer.
        if (m_backendWs->isSendingFrame())
            m_backendWs->abort();
        else
            m_backendWs->close(code, reason);
    } else if (m_backendTcp) {
        m_backendTcp->disconnectFromHost(); // after what is queued for it
        abortBackendLater();
    } else if (m_connector) {
        // What it sent before its close still goes to the back-end, then the close: once the
        // connection is made (attach()), or the client is answered if it cannot be.
        m_pendingClose = {code, reason};
    } else if (!m_client->isCloseSent()) {
        m_client->close(code, reason);
    }
}

void ProxyRelay::onClientGone()
{
    m_clientGone = true;
    if (m_backendWs && !m_backendWs->isFinished()) {
        if (m_backendWs->isSendingFrame())
            m_backendWs->abort();
        else
            m_backendWs->close(WebSocket::CloseCode::GoingAway, QStringLiteral("client left"));
    } else if (m_backendTcp && !m_backendTcp->isClosed()) {
        m_backendTcp->disconnectFromHost();
        abortBackendLater();
    } else if (m_connector && !m_holding) {
        // The connection being made still takes what the client sent (attach()).
        m_holding = true;
        m_session->hold();
        return;
    }
    if ((m_backendWs && m_backendWs->isFinished())
        || (m_backendTcp && m_backendTcp->isClosed()))
        finishBackend();
}

void ProxyRelay::onBackendClose(quint16 code, const QString &reason)
{
    m_backendClosedCleanly = true;
    const bool clientBegan = m_client->isCloseReceived() || m_clientGone;
    if (m_backendWs->isCloseSent() && !clientBegan && !m_client->isCloseSent()) {
        // The back-end answers a close the gateway began toward it (its inactivity timeout).
        const QString why = QStringLiteral("back-end: %1").arg(m_backendWs->localCloseReason());
        m_session->noteEnding(QStringLiteral("%1; client closed with 1011").arg(why));
        closeClient(WebSocket::CloseCode::InternalError, why);
        return;
    }
    if (!clientBegan && !m_client->isCloseSent())
        m_session->noteEnding(QStringLiteral("back-end closed with %1%2").arg(code).arg(
            reason.isEmpty() ? QString() : QStringLiteral(" \"%1\"").arg(reason)));
    closeClient(code, reason);
}

void ProxyRelay::onBackendGone()
{
    // Whether the client side was ending anyway (its close, the gateway's, or its leaving):
    // then the back-end's going is no news for the client or the log.
    const bool clientEnding = m_clientGone || m_client->isCloseReceived() || m_client->isCloseSent();
    if (m_backendTcp) {
        // What the back-end sent before it left still goes to the client, then the close.
        if (!m_client->isCloseSent())
            while (m_backendTcp->bytesAvailable() > 0) {
                const qint64 read = m_backendTcp->read(readChunk(), qMin(m_readBuffer, kChunk));
                m_client->sendMessage(WebSocket::Opcode::Binary, QByteArrayView(readChunk(), read));
            }
        if (m_tcpError.isEmpty())
            m_tcpError = m_backendTcp->errorString();
        if (!clientEnding && m_tcpError.isEmpty() && backendWasReset())
            m_tcpError = QStringLiteral("connection reset by the back-end");
        closeBackendDescriptor(); // now the connection can end on our side too
        if (!clientEnding && m_tcpError.isEmpty()) {
            m_session->noteEnding(QStringLiteral("back-end closed the connection; client closed with 1000"));
            closeClient(WebSocket::CloseCode::Normal, QStringLiteral("back-end closed the connection"));
        } else if (!clientEnding) {
            m_session->noteEnding(QStringLiteral("back-end connection failed (%1); client closed with 1011").arg(m_tcpError));
            closeClient(WebSocket::CloseCode::InternalError, QStringLiteral("back-end connection failed"));
        }
    } else if (m_backendWs && !m_backendClosedCleanly && !clientEnding) {
        const QString reason = m_backendWs->isCloseSent() && !m_backendWs->localCloseReason().isEmpty()
            ? QStringLiteral("back-end: %1").arg(m_backendWs->localCloseReason())
            : QStringLiteral("back-end connection lost");
        m_session->noteEnding(QStringLiteral("%1; client closed with 1011").arg(reason));
        closeClient(WebSocket::CloseCode::InternalError, reason);
    } else if (m_backendWs && !m_backendClosedCleanly && m_client->isCloseReceived() && !m_client->isCloseSent()) {
        // The client's close went to a back-end that left without answering: answer it here.
        closeClient(WebSocket::CloseCode::InternalError, QStringLiteral("back-end connection lost"));
    }
    if (m_clientGone)
        finishBackend();
}

void ProxyRelay::finishBackend()
{
    if (!m_holding)
        return;
    m_holding = false;
    // Released from the event loop: the session may end (and delete this) right away.
    QMetaObject::invokeMethod(m_session, &Sessions::WebSocketSession::release, Qt::QueuedConnection);
}

void ProxyRelay::pumpTcpBackend()
{
    if (!m_backendTcp || m_client->isCloseSent() || m_client->isFinished())
        return;
    while (!m_tcpPaused && m_backendTcp->mayHaveInput()) {
        const qint64 budget = m_limit - m_readBuffer - tlsReserve(m_session->connection().secure) - m_client->bytesToWrite()
            - kFrameOverhead;
        if (budget <= 0) {
            m_tcpPaused = true;
            break;
        }
        const qint64 read = m_backendTcp->read(readChunk(), std::min({budget, m_readBuffer, kChunk}));
        if (read <= 0)
            break;
        m_client->sendMessage(WebSocket::Opcode::Binary, QByteArrayView(readChunk(), read));
    }
}

void ProxyRelay::abortBackendLater()
{
    QTimer::singleShot(kBackendCloseTimeout, m_backendTcp, [backend = m_backendTcp] { backend->abort(); });
}

void ProxyRelay::resumeBackendIfDrained()
{
    if (m_client->bytesToWrite() >= m_limit / 2)
        return;
    if (m_backendWs && m_backendWs->isReadingPaused() && !m_backendWs->isFinished()) {
        m_backendWs->resumeReading();
    } else if (m_tcpPaused) {
        m_tcpPaused = false;
        pumpTcpBackend();
    }
}

void ProxyRelay::resumeClientIfDrained()
{
    if (queuedTowardBackend() < m_limit / 2 && m_client->isReadingPaused() && !m_client->isFinished()
        && (m_backendWs || m_backendTcp))
        m_client->resumeReading();
}

} // namespace Postern::Proxy
