#include "broadcast/broadcastsource.h"

#include "logging.h"
#include "net/sockettransport.h"
#include "proxy/backendconnector.h"
#include "websocket/endpoint.h"

#include <QTcpSocket>

namespace Postern::Broadcast {

namespace {
// What one read of a stream source takes: the size of a message in the "read" framing.
constexpr qint64 kReadSize = 64 * 1024;
}

BroadcastSource::BroadcastSource(QString serviceName, Proxy::BackendTargetPtr target,
                                 const Config::BroadcastOptions &options, QObject *parent)
    : QObject(parent), m_serviceName(std::move(serviceName)), m_target(std::move(target)), m_options(options),
      m_framer(options.framing, options.maximumSourceMessageSize), m_delay(options.reconnectDelay)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &BroadcastSource::connectNow);
}

BroadcastSource::~BroadcastSource()
{
    // Closed on purpose (the service went, or another node took the source): not a loss.
    if (m_stream) {
        m_stream->disconnect(this);
        m_stream->abort();
    }
    if (m_endpoint) {
        m_endpoint->disconnect(this);
        m_endpoint->abort();
    }
}

void BroadcastSource::start()
{
    connectNow();
}

void BroadcastSource::connectNow()
{
    auto *connector = new Proxy::BackendConnector(m_target, this);
    m_connector = connector;
    connect(connector, &Proxy::BackendConnector::failed, this, [this, connector](int, const QString &reason) {
        connector->deleteLater();
        fail(reason);
    });
    connect(connector, &Proxy::BackendConnector::transportReady, this, [this, connector] {
        if (m_target->isWebSocket()) {
            connector->upgrade({});
            return;
        }
        const QString peer = connector->peer();
        attachStream(connector->takeSocket());
        connector->deleteLater();
        onConnected(peer);
    });
    connect(connector, &Proxy::BackendConnector::upgraded, this, [this, connector] {
        const QString peer = connector->peer();
        attachWebSocket(connector->takeSocket());
        connector->deleteLater();
        onConnected(peer);
    });
    connector->connectTransport();
}

void BroadcastSource::attachStream(QTcpSocket *socket)
{
    m_stream = socket;
    socket->setParent(this);
    m_framer = SourceFramer(m_options.framing, m_options.maximumSourceMessageSize);
    connect(socket, &QTcpSocket::readyRead, this, &BroadcastSource::readStream);
    connect(socket, &QTcpSocket::disconnected, this, [this] { fail(QStringLiteral("the source closed the connection")); });
    connect(socket, &QAbstractSocket::errorOccurred, this, [this, socket](QAbstractSocket::SocketError error) {
        if (error != QAbstractSocket::RemoteHostClosedError)
            fail(socket->errorString());
    });
    // What arrived with the connection (or the TLS handshake) is already waiting.
    QMetaObject::invokeMethod(this, &BroadcastSource::readStream, Qt::QueuedConnection);
}

void BroadcastSource::readStream()
{
    QTcpSocket *socket = m_stream;
    while (socket && m_stream == socket && socket->bytesAvailable() > 0) {
        const auto messages = m_framer.feed(socket->read(kReadSize));
        if (!messages) {
            fail(messages.error());
            return;
        }
        for (const auto &message : *messages)
            Q_EMIT this->message(message.opcode, message.payload);
    }
}

void BroadcastSource::attachWebSocket(QTcpSocket *socket)
{
    WebSocket::Endpoint::Options options;
    options.delivery = WebSocket::Endpoint::Delivery::Messages;
    options.maximumMessageSize = m_options.maximumSourceMessageSize;
    options.inactivityTimeout = m_target->options.inactivityTimeout;
    options.maximumPendingOutput = 64 * 1024; // pongs and the close frame only
    auto *endpoint = new WebSocket::Endpoint(new Net::SocketTransport(socket), WebSocket::Endpoint::Role::Client, options, this);
    m_endpoint = endpoint;
    connect(endpoint, &WebSocket::Endpoint::messageReceived, this,
            [this](WebSocket::Opcode opcode, const QByteArray &payload) { Q_EMIT message(opcode, payload); });
    connect(endpoint, &WebSocket::Endpoint::disconnected, this, [this, endpoint] {
        if (m_endpoint != endpoint)
            return;
        const quint16 sent = endpoint->localCloseCode();
        const quint16 received = endpoint->peerCloseCode();
        fail(sent && !endpoint->isCloseReceived()
                 ? QStringLiteral("closed by the gateway with %1: %2").arg(sent).arg(endpoint->localCloseReason())
             : received == WebSocket::CloseCode::Abnormal
                 ? QStringLiteral("the connection was lost without a close (1006)")
                 : QStringLiteral("the source closed with %1%2").arg(received).arg(
                       endpoint->peerCloseReason().isEmpty() ? QString() : u" \"" + endpoint->peerCloseReason() + u'"'));
    });
    endpoint->start();
}

void BroadcastSource::onConnected(const QString &peer)
{
    m_connected = true;
    m_failing = false;
    m_delay = m_options.reconnectDelay;
    qCInfo(lcBroadcast).noquote() << QStringLiteral("broadcast '%1': source %2 connected (%3)")
                                         .arg(m_serviceName, m_target->url, peer);
    Q_EMIT connected();
}

void BroadcastSource::fail(const QString &reason)
{
    if (m_retry.isActive())
        return; // already failed (an error and a disconnect for the same loss)
    const bool wasConnected = m_connected;
    m_connected = false;
    if (m_stream) {
        m_stream->disconnect(this);
        m_stream->abort();
        m_stream->deleteLater();
        m_stream = nullptr;
    }
    if (m_endpoint) {
        m_endpoint->disconnect(this);
        m_endpoint->abort();
        m_endpoint->deleteLater();
        m_endpoint = nullptr;
    }
    const QString line = QStringLiteral("broadcast '%1': source %2 %3: %4; next attempt in %5 ms")
                             .arg(m_serviceName, m_target->url, wasConnected ? u"lost" : u"unavailable", reason)
                             .arg(m_delay.count());
    // A source that stays down is reported once, then quietly retried until it is back.
    if (m_failing)
        qCDebug(lcBroadcast).noquote() << line;
    else
        qCWarning(lcBroadcast).noquote() << line;
    m_failing = !wasConnected;
    m_retry.start(m_delay);
    m_delay = std::min(m_delay * 2, m_options.reconnectMaximumDelay);
    if (wasConnected)
        Q_EMIT lost(reason);
}

} // namespace Postern::Broadcast
