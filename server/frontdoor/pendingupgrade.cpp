#include "frontdoor/pendingupgrade.h"

#include "frontdoor/connectionlimiter.h"
#include "frontdoor/httpresponse.h"
#include "net/descriptortransport.h"
#include "net/sockettransport.h"
#include "websocket/handshake.h"

#include <QTcpSocket>

namespace Postern::Frontdoor {

PendingUpgrade::PendingUpgrade(QTcpSocket *socket, HttpRequestHead request, ConnectionInfo connection,
                               QList<Header> responseHeaders, QObject *parent)
    : QObject(parent), m_socket(socket), m_request(std::move(request)), m_connection(std::move(connection)),
      m_responseHeaders(std::move(responseHeaders))
{
    m_socket->setParent(this);
    // A client sends nothing before our answer; what it does send waits in the kernel.
    m_socket->setReadBufferSize(1024);
    connect(m_socket, &QTcpSocket::disconnected, this, [this] {
        if (!m_answered)
            Q_EMIT abandoned();
        m_answered = true;
        deleteLater();
    });
    m_closeTimer.setSingleShot(true);
    connect(&m_closeTimer, &QTimer::timeout, m_socket, &QTcpSocket::abort);
    if (m_socket->state() != QAbstractSocket::ConnectedState) {
        // Gone already: there will be no disconnected() to wait for.
        QTimer::singleShot(0, this, [this] {
            if (!m_answered)
                Q_EMIT abandoned();
            m_answered = true;
            deleteLater();
        });
    }
}

PendingUpgrade::~PendingUpgrade() = default;

QList<QByteArray> PendingUpgrade::offeredProtocols() const
{
    QList<QByteArray> protocols;
    for (const auto &[name, value] : m_request.headers) {
        if (name.compare("Sec-WebSocket-Protocol", Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray &protocol : value.split(','))
            if (const QByteArray trimmed = protocol.trimmed(); !trimmed.isEmpty())
                protocols.append(trimmed);
    }
    return protocols;
}

WebSocket::Endpoint *PendingUpgrade::accept(const QByteArray &protocol, const WebSocket::Endpoint::Options &options)
{
    Q_ASSERT(!m_answered);
    Q_ASSERT(protocol.isEmpty() || offeredProtocols().contains(protocol));
    if (m_answered || m_socket->state() != QAbstractSocket::ConnectedState)
        return nullptr;
    m_answered = true;
    QByteArray response = "HTTP/1.1 101 Switching Protocols\r\n"
                          "Upgrade: websocket\r\n"
                          "Connection: Upgrade\r\n"
                          "Sec-WebSocket-Accept: "
        + WebSocket::Handshake::acceptKey(m_request.header("Sec-WebSocket-Key").trimmed()) + "\r\n";
    if (!protocol.isEmpty())
        response += "Sec-WebSocket-Protocol: " + protocol + "\r\n";
    for (const auto &[name, value] : std::as_const(m_responseHeaders))
        response += name + ": " + value + "\r\n";
    response += "\r\n";
    disconnect(m_socket, nullptr, this, nullptr);
    // The 101 goes through the transport: it leaves from the event loop, once the service has
    // registered the session (and, for a proxy, made its relay) in this turn.
    Net::Transport *transport = transportFor(m_socket);
    transport->write(response);
    auto *endpoint = new WebSocket::Endpoint(transport, WebSocket::Endpoint::Role::Server, options);
    m_socket = nullptr;
    deleteLater();
    return endpoint;
}

Net::Transport *PendingUpgrade::transportFor(QTcpSocket *socket)
{
    // A plain connection is read and written by Postern itself from here on; TLS stays with
    // the socket. The connection's place in the connection limiter's count goes with it.
    if (Net::DescriptorTransport *transport = Net::DescriptorTransport::takeOver(socket)) {
        if (QObject *count = ConnectionLimiter::countOf(socket))
            count->setParent(transport);
        socket->deleteLater();
        return transport;
    }
    return new Net::SocketTransport(socket);
}

void PendingUpgrade::refuse(int status, const QString &detail)
{
    Q_ASSERT(!m_answered);
    if (m_answered)
        return;
    m_answered = true;
    HttpResponse response = HttpResponse::error(status, detail);
    for (const auto &[name, value] : std::as_const(m_responseHeaders))
        response.headers.append({name, value});
    m_socket->write(response.serializeHead(false) + response.body);
    // Flushed, then closed (disconnected() deletes us); a client that never reads is cut off.
    m_closeTimer.start(std::chrono::seconds(5));
    m_socket->disconnectFromHost();
}

} // namespace Postern::Frontdoor
