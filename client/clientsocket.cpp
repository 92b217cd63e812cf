#include "clientsocket.h"

#include "net/sockettransport.h"
#include "websocket/endpoint.h"
#include "websocket/opcode.h"

#include <QPointer>
#include <QSslConfiguration>
#include <QSslSocket>

#include <algorithm>

namespace Postern::Client {

namespace {

// How much of a refusal's body is read for its reason.
constexpr qsizetype kMaximumBody = 4096;

// The gateway's explanation in a refusal's body: "403 Forbidden\norigin not allowed\n" gives
// "origin not allowed"; any other body its first line.
QString detailOf(const QByteArray &body, int status)
{
    QList<QByteArray> lines = body.trimmed().split('\n');
    if (!lines.isEmpty() && lines.first().startsWith(QByteArray::number(status)))
        lines.removeFirst();
    QString detail = QString::fromUtf8(lines.join(' ')).simplified();
    return detail.left(300);
}

// RFC 6265 §4.1.1 cookie-octets: printable US-ASCII but space, '"', ',', ';' and '\'. Anything
// else would end the cookie (or the header) early, or be read differently by the server.
bool isCookieValue(QByteArrayView value)
{
    return std::all_of(value.begin(), value.end(), [](char c) {
        const auto u = uchar(c);
        return u >= 0x21 && u <= 0x7e && u != '"' && u != ',' && u != ';' && u != '\\';
    });
}

} // namespace

ClientSocket::ClientSocket(QObject *parent) : QObject(parent)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ClientSocket::onTimeout);
}

ClientSocket::~ClientSocket()
{
    m_answer.wipe();
}

QString ClientSocket::target() const
{
    return m_url.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
}

void ClientSocket::open(const QUrl &url, const ConnectOptions &options)
{
    abort();
    ++m_generation;
    m_url = url;
    m_options = options;
    m_answers = 0;
    m_challenge.reset();
    m_answer.wipe();
    m_protocol.clear();
    m_peerChain.clear();
    m_cipher = QSslCipher();
    m_closeCode = WebSocket::CloseCode::Abnormal;
    m_closeReason.clear();
    m_outcome = ConnectOutcome();
    m_state = State::Connecting;
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || (scheme != u"ws" && scheme != u"wss") || url.host().isEmpty()) {
        ConnectOutcome outcome;
        outcome.kind = ConnectOutcome::Kind::InvalidUrl;
        outcome.message = QStringLiteral("'%1' is not a ws:// or wss:// URL with a host").arg(url.toString(QUrl::RemoveUserInfo));
        fail(outcome);
        return;
    }
    QMetaObject::invokeMethod(this, &ClientSocket::startAttempt, Qt::QueuedConnection);
}

void ClientSocket::startAttempt()
{
    if (m_state != State::Connecting)
        return;
    m_tlsErrors.clear();
    m_tlsProblem.clear();
    m_refusal.reset();
    const bool secure = m_url.scheme().toLower() == u"wss";
    const quint16 port = quint16(m_url.port(secure ? 443 : 80));
    m_timer.start(m_options.timeout);
    if (secure) {
        auto *ssl = new QSslSocket(this);
        QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
        m_options.trust.apply(configuration);
        if (!m_options.clientCertificate.isNull()) {
            configuration.setLocalCertificate(m_options.clientCertificate);
            configuration.setPrivateKey(m_options.clientKey);
        }
        ssl->setSslConfiguration(configuration);
        connect(ssl, &QSslSocket::encrypted, this, &ClientSocket::onTransportReady);
        connect(ssl, &QSslSocket::sslErrors, this, &ClientSocket::onSslErrors);
        m_socket = ssl;
    } else {
        m_socket = new QTcpSocket(this);
        connect(m_socket, &QTcpSocket::connected, this, &ClientSocket::onTransportReady);
    }
    connect(m_socket, &QTcpSocket::readyRead, this, &ClientSocket::onReadyRead);
    connect(m_socket, &QAbstractSocket::errorOccurred, this, &ClientSocket::onTransportLost);
    connect(m_socket, &QTcpSocket::disconnected, this, &ClientSocket::onTransportLost);
    if (auto *ssl = qobject_cast<QSslSocket *>(m_socket))
        ssl->connectToHostEncrypted(m_url.host(), port); // SNI and verification with the URL's host
    else
        m_socket->connectToHost(m_url.host(), port);
}

void ClientSocket::onSslErrors(const QList<QSslError> &errors)
{
    auto *ssl = qobject_cast<QSslSocket *>(m_socket);
    const QList<QSslCertificate> chain = ssl->peerCertificateChain();
    if (m_options.trust.accepts(chain, errors)) {
        ssl->ignoreSslErrors(errors); // only these, only for a pinned certificate
        return;
    }
    // Not ignored: the handshake fails, and the outcome shows what was refused.
    m_tlsErrors = errors;
    m_peerChain = chain.isEmpty() && !errors.isEmpty() ? QList<QSslCertificate>{errors.first().certificate()} : chain;
    QStringList texts;
    for (const QSslError &error : errors)
        texts.append(error.errorString());
    texts.removeDuplicates();
    m_tlsProblem = m_options.trust.kind() == TrustPolicy::Kind::Pinned
        ? QStringLiteral("the certificate is not the pinned one (%1)").arg(texts.join(QStringLiteral("; ")))
        : texts.join(QStringLiteral("; "));
}

void ClientSocket::onTransportReady()
{
    if (m_state != State::Connecting || !m_socket)
        return;
    if (auto *ssl = qobject_cast<QSslSocket *>(m_socket)) {
        m_peerChain = ssl->peerCertificateChain();
        m_cipher = ssl->sessionCipher();
        // A pin holds even when an authority vouches for another certificate.
        if (!m_options.trust.accepts(m_peerChain, {})) {
            ConnectOutcome outcome;
            outcome.kind = ConnectOutcome::Kind::TlsFailure;
            outcome.peerChain = m_peerChain;
            outcome.message = QStringLiteral("TLS with %1 failed: the certificate is not the pinned one (%2)")
                                  .arg(target(), ConnectOutcome::describe(m_peerChain.value(0)));
            fail(outcome);
            return;
        }
    }
    m_peerAddress = m_socket->peerAddress();
    m_handshake = WebSocket::ClientHandshake{};
    const bool secure = m_url.scheme().toLower() == u"wss";
    const int port = m_url.port(secure ? 443 : 80);
    QByteArray host = m_url.host(QUrl::FullyEncoded).toLatin1();
    if (host.contains(':'))
        host = '[' + host + ']';
    m_handshake.host = port == (secure ? 443 : 80) ? host : host + ':' + QByteArray::number(port);
    // The answer's query items are percent-encoded in full (QUrlQuery would leave '+', which
    // servers read as a space, and take "%41" as already encoded): a token arrives unchanged.
    QByteArray query = m_url.query(QUrl::FullyEncoded).toLatin1();
    for (const auto &[name, value] : std::as_const(m_answer.queryItems)) {
        if (!query.isEmpty())
            query += '&';
        query += QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    }
    const QByteArray path = m_url.path(QUrl::FullyEncoded).toLatin1();
    m_handshake.resource = (path.isEmpty() ? QByteArray("/") : path) + (query.isEmpty() ? QByteArray() : '?' + query);
    query.fill('\0');
    m_handshake.protocols = m_options.protocols;
    if (!m_options.origin.isEmpty())
        m_handshake.headers.append({"Origin", m_options.origin});
    QString invalid;
    QByteArray cookies = m_options.cookies ? m_options.cookies->cookieHeader(m_url) : QByteArray();
    for (const auto &[name, value] : std::as_const(m_answer.cookies)) {
        if (!WebSocket::ClientHandshake::isToken(name))
            invalid = QStringLiteral("a cookie name is not an HTTP token");
        else if (!isCookieValue(value))
            invalid = QStringLiteral("the value of cookie %1 is not RFC 6265 cookie-octets (no space, CR, LF, NUL, "
                                     "'\"', ',', ';' or '\\')").arg(QString::fromLatin1(name));
        cookies += (cookies.isEmpty() ? QByteArray() : QByteArray("; ")) + name + '=' + value;
    }
    if (!cookies.isEmpty())
        m_handshake.headers.append({"Cookie", cookies});
    if (!m_answer.authorization.isEmpty())
        m_handshake.headers.append({"Authorization", m_answer.authorization});
    m_handshake.headers += m_answer.headers;
    m_handshake.headers += m_options.headers;
    if (invalid.isEmpty())
        invalid = m_handshake.invalidField();
    if (!invalid.isEmpty()) {
        // A line break in a value would end the header there, and the rest would be read as
        // headers (or a request) of its sender's choosing: nothing is sent.
        cookies.fill('\0');
        m_handshake.resource.fill('\0');
        m_handshake.headers.clear();
        ConnectOutcome outcome;
        outcome.kind = ConnectOutcome::Kind::InvalidRequest;
        outcome.challenge = m_challenge;
        outcome.message = QStringLiteral("the handshake for %1 was not sent: %2").arg(target(), invalid);
        fail(outcome); // wipes the answer
        return;
    }
    QByteArray request = m_handshake.request();
    m_socket->write(request);
    // The secrets were for this request only.
    request.fill('\0');
    cookies.fill('\0');
    m_handshake.resource.fill('\0');
    m_handshake.headers.clear();
    m_answer.wipe();
}

void ClientSocket::onReadyRead()
{
    if (m_state != State::Connecting || !m_socket)
        return;
    if (m_refusal) {
        const qint64 wanted = qMin<qint64>(m_refusal->value("Content-Length").toLongLong(), kMaximumBody);
        if (m_socket->bytesAvailable() >= m_refusal->headLength + wanted) {
            const QByteArray data = m_socket->read(m_refusal->headLength + wanted);
            onRefusal(*m_refusal, data.mid(m_refusal->headLength));
        }
        return;
    }
    const QByteArray data = m_socket->peek(WebSocket::HandshakeResponse::kMaximumHead + 1);
    const qsizetype end = WebSocket::HandshakeResponse::findEnd(data);
    if (end < 0) {
        if (data.size() > WebSocket::HandshakeResponse::kMaximumHead) {
            ConnectOutcome outcome;
            outcome.kind = ConnectOutcome::Kind::BadHandshake;
            outcome.message = QStringLiteral("%1 answered the handshake with a head larger than %2 bytes")
                                  .arg(target()).arg(WebSocket::HandshakeResponse::kMaximumHead);
            fail(outcome);
        }
        return;
    }
    const auto response = WebSocket::HandshakeResponse::parse(data);
    if (!response) {
        ConnectOutcome outcome;
        outcome.kind = ConnectOutcome::Kind::BadHandshake;
        outcome.message = QStringLiteral("%1 answered the handshake with something that is not HTTP").arg(target());
        fail(outcome);
        return;
    }
    if (response->status == 101) {
        onUpgraded(*response);
        return;
    }
    // Wait for the body (the gateway's reason), as much as is sent or fits.
    m_refusal = response;
    onReadyRead();
}

void ClientSocket::onUpgraded(const WebSocket::HandshakeResponse &response)
{
    const QString problem = m_handshake.problem(response);
    if (!problem.isEmpty()) {
        ConnectOutcome outcome;
        outcome.kind = ConnectOutcome::Kind::BadHandshake;
        outcome.message = QStringLiteral("%1 answered the handshake wrongly: %2").arg(target(), problem);
        fail(outcome);
        return;
    }
    if (m_options.cookies)
        m_options.cookies->store(m_url, response.values("Set-Cookie"));
    m_protocol = response.value("Sec-WebSocket-Protocol");
    m_socket->skip(response.headLength); // frames may follow at once: the endpoint reads them
    m_timer.stop();
    disconnect(m_socket, nullptr, this, nullptr);

    WebSocket::Endpoint::Options options;
    options.delivery = WebSocket::Endpoint::Delivery::Messages;
    options.maximumMessageSize = m_options.maximumMessageSize;
    options.inactivityTimeout = m_options.inactivityTimeout;
    m_endpoint = new WebSocket::Endpoint(new Net::SocketTransport(std::exchange(m_socket, nullptr)), WebSocket::Endpoint::Role::Client, options, this);
    connect(m_endpoint, &WebSocket::Endpoint::messageReceived, this, [this](WebSocket::Opcode opcode, const QByteArray &payload) {
        if (opcode == WebSocket::Opcode::Text)
            Q_EMIT textMessageReceived(QString::fromUtf8(payload));
        else
            Q_EMIT binaryMessageReceived(payload);
    });
    connect(m_endpoint, &WebSocket::Endpoint::pongReceived, this, &ClientSocket::pongReceived);
    connect(m_endpoint, &WebSocket::Endpoint::closeReceived, this, [this] { m_state = State::Closing; });
    connect(m_endpoint, &WebSocket::Endpoint::disconnected, this, &ClientSocket::onEndpointGone);
    m_state = State::Open;
    m_outcome = ConnectOutcome();
    m_outcome.kind = ConnectOutcome::Kind::Connected;
    m_outcome.challenge = m_challenge;
    m_outcome.message = QStringLiteral("connected to %1").arg(target());
    const QPointer<ClientSocket> self(this);
    Q_EMIT connected();
    if (self && m_endpoint)
        m_endpoint->start();
}

void ClientSocket::onRefusal(const WebSocket::HandshakeResponse &response, const QByteArray &body)
{
    const QString detail = detailOf(body, response.status);
    if (response.status == 401) {
        onChallenge(response, detail);
        return;
    }
    ConnectOutcome outcome;
    outcome.kind = ConnectOutcome::Kind::Refused;
    outcome.status = response.status;
    outcome.reason = QString::fromLatin1(response.reason());
    outcome.detail = detail;
    outcome.challenge = m_challenge;
    bool ok = false;
    const int retryAfter = response.value("Retry-After").toInt(&ok);
    if (ok)
        outcome.retryAfter = retryAfter;
    outcome.message = QStringLiteral("%1 refused the connection: %2 %3%4%5")
                          .arg(target()).arg(response.status).arg(outcome.reason,
                               detail.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(detail),
                               ok ? QStringLiteral("; try again in %1 s").arg(retryAfter) : QString());
    fail(outcome);
}

void ClientSocket::onChallenge(const WebSocket::HandshakeResponse &response, const QString &detail)
{
    QList<Challenge> challenges;
    for (const QByteArray &value : response.values("WWW-Authenticate"))
        challenges += Challenge::parse(value);
    ChallengeHandler *handler = m_options.challengeHandler.get();
    const auto chosen = std::find_if(challenges.begin(), challenges.end(),
                                     [&](const Challenge &challenge) { return handler && handler->canHandle(challenge); });
    // Also used by the handler's answer, later: everything by value.
    const QString reason = QString::fromLatin1(response.reason());
    const auto outcomeFor = [this, reason, detail](ConnectOutcome::Kind kind, const QString &why) {
        ConnectOutcome outcome;
        outcome.kind = kind;
        outcome.status = 401;
        outcome.reason = reason;
        outcome.detail = detail;
        outcome.challenge = m_challenge;
        outcome.message = QStringLiteral("%1 asked for a login: %2").arg(target(), why);
        return outcome;
    };
    if (chosen == challenges.end()) {
        const QString asked = challenges.isEmpty()
            ? QStringLiteral("the 401 named no scheme")
            : QStringLiteral("it asks for %1 credentials of realm '%2'").arg(challenges.first().scheme, challenges.first().realm);
        if (!challenges.isEmpty())
            m_challenge = challenges.first();
        fail(outcomeFor(ConnectOutcome::Kind::Refused, asked + QStringLiteral(", and no challenge handler answers them")));
        return;
    }
    Challenge challenge = *chosen;
    challenge.url = m_url;
    challenge.attempt = m_answers + 1;
    m_challenge = challenge;
    // Basic is only base64: over ws:// the password would cross the network readable by anyone
    // on the way. Loopback never leaves the machine. The handler (a person) is not even asked.
    const bool basic = challenge.isScheme(u"Basic") || challenge.isScheme(u"Application Basic");
    if (basic && m_url.scheme().toLower() == u"ws" && !m_peerAddress.isLoopback() && !m_options.allowCleartextCredentials) {
        fail(outcomeFor(ConnectOutcome::Kind::GaveUp,
                        QStringLiteral("it asks for %1 credentials of realm '%2', which ws:// would send unencrypted "
                                       "to %3; use wss:// (or set ConnectOptions::allowCleartextCredentials)")
                            .arg(challenge.scheme, challenge.realm, m_peerAddress.toString())));
        return;
    }
    if (m_answers >= m_options.maximumAttempts) {
        fail(outcomeFor(ConnectOutcome::Kind::GaveUp,
                        QStringLiteral("%1 answer(s) for realm '%2' refused%3")
                            .arg(m_answers).arg(challenge.realm, detail.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(detail))));
        return;
    }
    dropTransport();
    m_timer.stop();
    m_state = State::Authenticating;
    const QPointer<ClientSocket> self(this);
    const quint64 generation = m_generation;
    Q_EMIT challenged(challenge);
    if (!self || m_generation != generation || m_state != State::Authenticating)
        return; // given up in a slot
    handler->handle(challenge, [self, generation, outcomeFor](std::optional<ChallengeResponse> answer) mutable {
        if (!self || self->m_generation != generation || self->m_state != State::Authenticating) {
            if (answer)
                answer->wipe();
            return; // abandoned meanwhile
        }
        if (!answer) {
            self->fail(outcomeFor(ConnectOutcome::Kind::GaveUp,
                                  QStringLiteral("the challenge handler gave up on realm '%1'").arg(self->m_challenge->realm)));
            return;
        }
        self->m_answer = std::move(*answer);
        ++self->m_answers;
        self->m_state = State::Connecting;
        QMetaObject::invokeMethod(self, &ClientSocket::startAttempt, Qt::QueuedConnection);
    });
}

void ClientSocket::onTransportLost()
{
    if (m_state != State::Connecting || !m_socket)
        return;
    if (m_refusal) {
        // The gateway ends the connection after a refusal: what came of the body is all.
        const QByteArray data = m_socket->readAll();
        onRefusal(*m_refusal, data.mid(m_refusal->headLength));
        return;
    }
    ConnectOutcome outcome;
    if (!m_tlsProblem.isEmpty() || m_socket->error() == QAbstractSocket::SslHandshakeFailedError) {
        outcome.kind = ConnectOutcome::Kind::TlsFailure;
        outcome.peerChain = m_peerChain;
        outcome.tlsErrors = m_tlsErrors;
        outcome.message = QStringLiteral("TLS with %1 failed: %2%3")
                              .arg(target(), m_tlsProblem.isEmpty() ? m_socket->errorString() : m_tlsProblem,
                                   m_peerChain.isEmpty() ? QString()
                                                         : QStringLiteral(" (%1)").arg(ConnectOutcome::describe(m_peerChain.first())));
    } else if (m_socket->state() == QAbstractSocket::ConnectedState || m_socket->error() == QAbstractSocket::RemoteHostClosedError) {
        outcome.kind = ConnectOutcome::Kind::BadHandshake;
        outcome.message = QStringLiteral("%1 closed the connection without answering the handshake").arg(target());
    } else {
        outcome.kind = ConnectOutcome::Kind::Unreachable;
        outcome.message = QStringLiteral("cannot connect to %1: %2").arg(target(), m_socket->errorString());
    }
    fail(outcome);
}

void ClientSocket::onTimeout()
{
    if (m_state != State::Connecting)
        return;
    ConnectOutcome outcome;
    outcome.kind = ConnectOutcome::Kind::Unreachable;
    outcome.message = QStringLiteral("%1 did not complete the handshake within %2 ms").arg(target()).arg(m_options.timeout.count());
    fail(outcome);
}

void ClientSocket::fail(ConnectOutcome outcome)
{
    dropTransport();
    m_timer.stop();
    m_answer.wipe();
    m_state = State::Unconnected;
    m_outcome = outcome;
    const quint64 generation = m_generation;
    QMetaObject::invokeMethod(this, [this, generation, outcome] {
        if (generation == m_generation)
            Q_EMIT connectFailed(outcome);
    }, Qt::QueuedConnection);
}

void ClientSocket::dropTransport()
{
    if (!m_socket)
        return;
    disconnect(m_socket, nullptr, this, nullptr);
    m_socket->abort();
    m_socket->deleteLater();
    m_socket = nullptr;
    m_refusal.reset();
}

void ClientSocket::onEndpointGone()
{
    if (!m_endpoint)
        return;
    if (m_endpoint->isCloseReceived()) {
        m_closeCode = m_endpoint->peerCloseCode();
        m_closeReason = m_endpoint->peerCloseReason();
    } else if (m_endpoint->isCloseSent()) {
        m_closeCode = m_endpoint->localCloseCode();
        m_closeReason = m_endpoint->localCloseReason();
    } else {
        m_closeCode = WebSocket::CloseCode::Abnormal;
        m_closeReason.clear();
    }
    m_endpoint->deleteLater();
    m_endpoint = nullptr;
    m_state = State::Unconnected;
    Q_EMIT disconnected();
}

bool ClientSocket::sendTextMessage(const QString &message)
{
    return m_state == State::Open && m_endpoint && m_endpoint->sendMessage(WebSocket::Opcode::Text, message.toUtf8());
}

bool ClientSocket::sendBinaryMessage(const QByteArray &message)
{
    return m_state == State::Open && m_endpoint && m_endpoint->sendMessage(WebSocket::Opcode::Binary, message);
}

void ClientSocket::ping(const QByteArray &payload)
{
    if (m_state == State::Open && m_endpoint)
        m_endpoint->ping(payload);
}

void ClientSocket::close(quint16 code, const QString &reason)
{
    if (m_endpoint) {
        m_state = State::Closing;
        m_endpoint->close(code, reason);
        return;
    }
    if (m_state == State::Connecting || m_state == State::Authenticating) {
        ConnectOutcome outcome;
        outcome.kind = ConnectOutcome::Kind::Aborted;
        outcome.message = QStringLiteral("connecting to %1 was given up").arg(target());
        fail(outcome);
    }
}

void ClientSocket::abort()
{
    if (m_endpoint) {
        WebSocket::Endpoint *endpoint = m_endpoint;
        endpoint->abort(); // disconnected() follows, and with it onEndpointGone()
        if (m_endpoint == endpoint) {
            disconnect(endpoint, nullptr, this, nullptr);
            endpoint->deleteLater();
            m_endpoint = nullptr;
            m_state = State::Unconnected;
        }
        return;
    }
    if (m_state == State::Connecting || m_state == State::Authenticating)
        close();
}

qint64 ClientSocket::bytesToWrite() const
{
    return m_endpoint ? m_endpoint->bytesToWrite() : 0;
}

} // namespace Postern::Client
