#include "proxy/backendconnector.h"

#include "frontdoor/socketbuffers.h"
#include "websocket/clienthandshake.h"
#include "websocket/handshakeresponse.h"

#include <QNetworkProxy>
#include <QSslSocket>

namespace Postern::Proxy {

namespace {

QString sslErrorText(const QList<QSslError> &errors)
{
    QStringList texts;
    for (const QSslError &error : errors)
        texts.append(error.errorString());
    texts.removeDuplicates();
    return texts.join(QStringLiteral("; "));
}

} // namespace

BackendConnector::BackendConnector(BackendTargetPtr target, QObject *parent)
    : QObject(parent), m_target(std::move(target))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &BackendConnector::onTimeout);
}

BackendConnector::~BackendConnector() = default;

void BackendConnector::connectTransport()
{
    Q_ASSERT(m_state == State::Idle);
    m_state = State::Connecting;
    m_timer.start(m_target->options.connectTimeout);
    if (m_target->isTls()) {
        auto *ssl = new QSslSocket(this);
        ssl->setSslConfiguration(m_target->tls);
        connect(ssl, &QSslSocket::encrypted, this, &BackendConnector::onConnected);
        connect(ssl, &QSslSocket::sslErrors, this, &BackendConnector::onSslErrors);
        m_socket = ssl;
    } else {
        m_socket = new QTcpSocket(this);
        connect(m_socket, &QTcpSocket::connected, this, &BackendConnector::onConnected);
    }
    // A back-end that talks before it is spoken to (a banner, in a pool) is held to what a
    // relay would read ahead.
    m_socket->setReadBufferSize(m_target->readAhead);
    // The back-end is reached directly: posternd sets no application proxy, and saying so
    // spares Qt a proxy lookup per connection.
    m_socket->setProxy(QNetworkProxy::NoProxy);
    connect(m_socket, &QAbstractSocket::errorOccurred, this, &BackendConnector::onError);
    connect(m_socket, &QTcpSocket::readyRead, this, &BackendConnector::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, [this] {
        if (m_state == State::TransportReady)
            Q_EMIT lost();
        else if (m_state == State::Connecting || m_state == State::Upgrading)
            onError();
    });
    // SNI and host-name verification use the configured host, not what it resolves to.
    if (auto *ssl = qobject_cast<QSslSocket *>(m_socket))
        ssl->connectToHostEncrypted(m_target->host, m_target->port);
    else
        m_socket->connectToHost(m_target->host, m_target->port);
    // Once the socket (and a TLS socket's inner one) exists: an idle session keeps small buffers.
    Frontdoor::SocketBuffers::keepIdleSmall(m_socket);
}

void BackendConnector::onConnected()
{
    if (m_state != State::Connecting)
        return;
    m_timer.stop();
    m_state = State::TransportReady;
    // No Nagle delay on the back-end side either: a relayed message goes out at once.
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    Q_EMIT transportReady();
}

void BackendConnector::onSslErrors(const QList<QSslError> &errors)
{
    // Not ignored: the handshake fails, and the error that follows says so with this. The
    // certificate named is the back-end's own (the chain's leaf), whichever link failed.
    QSslCertificate certificate = qobject_cast<QSslSocket *>(m_socket)->peerCertificate();
    if (certificate.isNull() && !errors.isEmpty())
        certificate = errors.first().certificate();
    m_tlsProblem = QStringLiteral("certificate '%1' of %2:%3 refused: %4")
                       .arg(certificate.isNull() ? QStringLiteral("(none)") : certificate.subjectDisplayName(),
                            m_target->host).arg(m_target->port).arg(sslErrorText(errors));
}

void BackendConnector::onError()
{
    if (m_state != State::Connecting && m_state != State::Upgrading)
        return;
    if (!m_tlsProblem.isEmpty()) {
        fail(502, QStringLiteral("TLS with back-end %1 failed: %2").arg(m_target->url, m_tlsProblem));
        return;
    }
    const QString what = m_state == State::Upgrading ? QStringLiteral("back-end %1 closed the connection during the "
                                                                      "WebSocket handshake").arg(m_target->url)
                                                     : QStringLiteral("cannot connect to back-end %1").arg(m_target->url);
    const QAbstractSocket::SocketError error = m_socket->error();
    fail(502, error == QAbstractSocket::RemoteHostClosedError && m_state == State::Upgrading
                  ? what
                  : QStringLiteral("%1: %2").arg(what, m_socket->errorString()));
}

void BackendConnector::upgrade(const ClientRequest &request)
{
    Q_ASSERT(m_state == State::TransportReady && m_target->isWebSocket());
    m_state = State::Upgrading;
    m_timer.start(m_target->options.connectTimeout);
    m_handshake = WebSocket::ClientHandshake{};
    m_handshake.resource = m_target->resource;
    m_handshake.host = m_target->hostHeader;
    m_handshake.protocols = request.protocols;
    if (!request.address.isNull()) {
        // RFC 7239: an IPv6 address is bracketed and quoted.
        QHostAddress address = request.address;
        bool isV4 = false;
        const quint32 v4 = address.toIPv4Address(&isV4);
        if (isV4)
            address = QHostAddress(v4);
        const QByteArray ip = address.toString().toLatin1();
        const QByteArray forNode = isV4 ? ip : "\"[" + ip + "]\"";
        m_handshake.headers = {{"Forwarded", "for=" + forNode + ";proto=" + (request.secure ? "https" : "http")},
                               {"X-Forwarded-For", ip}};
    }
    // The values come from the configuration and the parsed client request, which hold no
    // line breaks; checked anyway, because a break would let the client write headers here.
    if (const QString invalid = m_handshake.invalidField(); !invalid.isEmpty()) {
        fail(502, QStringLiteral("the WebSocket handshake for back-end %1 was not sent: %2").arg(m_target->url, invalid));
        return;
    }
    const QByteArray head = m_handshake.request();
    m_socket->write(head);
    if (m_socket->bytesAvailable() > 0)
        onReadyRead();
}

void BackendConnector::onReadyRead()
{
    if (m_state != State::Upgrading)
        return; // before the handshake a back-end says nothing; after it the frames wait for their reader
    const QByteArray data = m_socket->peek(WebSocket::HandshakeResponse::kMaximumHead + 1);
    const qsizetype end = WebSocket::HandshakeResponse::findEnd(data);
    if (end < 0) {
        if (data.size() > WebSocket::HandshakeResponse::kMaximumHead)
            fail(502, QStringLiteral("back-end %1 answered the WebSocket handshake with a head larger than %2 bytes")
                          .arg(m_target->url).arg(WebSocket::HandshakeResponse::kMaximumHead));
        return;
    }
    const auto response = WebSocket::HandshakeResponse::parse(data);
    if (!response) {
        fail(502, QStringLiteral("back-end %1 answered the WebSocket handshake with something that is not HTTP")
                      .arg(m_target->url));
        return;
    }
    if (response->status != 101) {
        fail(502, QStringLiteral("back-end %1 refused the WebSocket handshake: %2")
                      .arg(m_target->url, QString::fromLatin1(response->statusLine.mid(9).left(100))));
        return;
    }
    const QString problem = m_handshake.problem(*response);
    if (!problem.isEmpty()) {
        fail(502, QStringLiteral("back-end %1 answered the WebSocket handshake wrongly: %2").arg(m_target->url, problem));
        return;
    }
    m_socket->skip(end);
    m_timer.stop();
    m_state = State::Done;
    Q_EMIT upgraded(response->value("Sec-WebSocket-Protocol"));
}

void BackendConnector::onTimeout()
{
    fail(504, QStringLiteral("back-end %1 did not %2 within %3 ms (connect.timeout)")
                  .arg(m_target->url,
                       m_state == State::Upgrading ? QStringLiteral("answer the WebSocket handshake")
                       : m_target->isTls()         ? QStringLiteral("accept a TLS connection")
                                                   : QStringLiteral("accept a connection"))
                  .arg(m_target->options.connectTimeout.count()));
}

void BackendConnector::fail(int status, const QString &reason)
{
    if (m_state == State::Failed || m_state == State::Done)
        return;
    m_state = State::Failed;
    m_timer.stop();
    if (m_socket) {
        disconnect(m_socket, nullptr, this, nullptr);
        m_socket->abort();
    }
    // From the event loop: a connect can fail inside connectTransport(), and the caller
    // (a pool filling up, an upgrade being answered) must not be called back from there.
    QMetaObject::invokeMethod(this, [this, status, reason] { Q_EMIT failed(status, reason); }, Qt::QueuedConnection);
}

QTcpSocket *BackendConnector::takeSocket()
{
    Q_ASSERT(m_state == State::Done || (m_state == State::TransportReady && !m_target->isWebSocket()));
    m_state = State::Done;
    m_timer.stop();
    QTcpSocket *socket = m_socket;
    m_socket = nullptr;
    disconnect(socket, nullptr, this, nullptr);
    socket->setParent(nullptr);
    return socket;
}

QString BackendConnector::peer() const
{
    if (!m_socket)
        return {};
    const QHostAddress address = m_socket->peerAddress();
    return (address.protocol() == QAbstractSocket::IPv6Protocol ? u'[' + address.toString() + u']' : address.toString())
        + u':' + QString::number(m_socket->peerPort());
}

} // namespace Postern::Proxy
