#include "frontdoor/httpconnection.h"

#include "auth/realm.h"
#include "frontdoor/clientcertificateverifier.h"
#include "frontdoor/clienthelloparser.h"
#include "frontdoor/credentialreader.h"
#include "frontdoor/httprequestparser.h"
#include "frontdoor/pendingupgrade.h"
#include "frontdoor/socketbuffers.h"
#include "util/socketoutput.h"
#include "logging.h"
#include "logline.h"
#include "metrics.h"
#include "services/service.h"
#include "tls/certificatedetails.h"
#include "tls/opensslhandles.h"
#include "websocket/handshake.h"

#include <QScopeGuard>
#include <QSslCipher>
#include <QSslSocket>

#include <algorithm>

namespace Postern::Frontdoor {

namespace {

constexpr qint64 kChunk = 64 * 1024;
constexpr qint64 kHighWater = 256 * 1024; // stop queueing file data past this many unsent bytes

QString protocolName(QSsl::SslProtocol protocol)
{
    switch (protocol) {
    case QSsl::TlsV1_2: return QStringLiteral("TLSv1.2");
    case QSsl::TlsV1_3: return QStringLiteral("TLSv1.3");
    default: return QStringLiteral("TLS");
    }
}

} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, ListenerContextPtr context, QObject *parent)
    : QObject(parent), m_socket(socket), m_context(std::move(context))
{
    m_socket->setParent(this);
    // Before the first byte is buffered: an idle connection or session keeps small buffers.
    SocketBuffers::keepIdleSmall(m_socket);
    m_info.peerAddress = socket->peerAddress();
    m_info.peerPort = socket->peerPort();
    m_info.localPort = socket->localPort();
    m_info.secure = m_context->secure;

    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &HttpConnection::onTimeout);
    // One budget covers the TLS handshake and the whole request head (slowloris).
    m_timer.start(m_context->options.requestHeadTimeout);

    // Nothing a client sends is buffered past what the current step can use: a request head
    // (or a ClientHello) at most. The kernel holds the rest, and TCP slows the client down.
    m_socket->setReadBufferSize(qMax(m_context->options.requestHeadMaximumSize + 1,
                                     m_context->secure ? ClientHelloParser::kMaximumRecord : qint64(0)));
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    Util::SocketOutput::onSent(m_socket, this, [this] { pumpBody(); });
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::deleteLater);

    if (m_context->secure) {
        m_ssl = qobject_cast<QSslSocket *>(socket);
        m_state = State::SniffingTls;
        connect(m_ssl, &QSslSocket::encrypted, this, &HttpConnection::onEncrypted);
        connect(m_ssl, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
            qCInfo(lcTls).noquote() << QStringLiteral("TLS handshake with %1 failed: %2")
                                           .arg(m_info.peer(), errors.value(0).errorString());
        });
        connect(m_ssl, &QAbstractSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
            if (m_state == State::Handshaking && error != QAbstractSocket::RemoteHostClosedError) {
                qCInfo(lcTls).noquote() << QStringLiteral("TLS handshake with %1 failed: %2")
                                               .arg(m_info.peer(), m_ssl->errorString());
                countRefusal({}, QStringLiteral("tls-handshake"));
            }
            // The error can be raised inside startServerEncryption(); closing the socket
            // there pulls the TLS backend's buffers from under it. Close from the event loop.
            if (m_state == State::Handshaking)
                QMetaObject::invokeMethod(this, &HttpConnection::closeConnection, Qt::QueuedConnection);
        });
    }
    if (m_socket->bytesAvailable() > 0)
        onReadyRead();
}

HttpConnection::~HttpConnection() = default;

void HttpConnection::onReadyRead()
{
    switch (m_state) {
    case State::SniffingTls:
        sniffClientHello();
        break;
    case State::ReadingHead:
        readHead();
        break;
    case State::Handshaking:
    case State::Writing:
    case State::Closing:
        break; // the next request is read once the response is out (no pipelining overlap)
    }
}

void HttpConnection::sniffClientHello()
{
    const QByteArray data = m_socket->peek(ClientHelloParser::kMaximumRecord);
    const auto hello = ClientHelloParser::parse(data);
    if (hello.status == ClientHelloParser::Status::NeedMore)
        return;
    if (hello.status == ClientHelloParser::Status::NotTls) {
        // A plain-text request on a TLS port: tell the person why, in plain text, and close.
        // Nothing is served without TLS.
        logRefusal(QtInfoMsg, 400, QStringLiteral("plain text sent to a TLS port"), {});
        countRefusal({}, QStringLiteral("plain-text-on-tls"));
        m_state = State::Writing;
        HttpResponse response = HttpResponse::error(400, QStringLiteral("This port speaks TLS: use https:// or wss://."));
        m_socket->write(response.serializeHead(false) + response.body);
        closeConnection();
        return;
    }
    m_info.serverName = hello.serverName;
    const Tls::KeystoreEntry *entry = m_context->tls ? m_context->tls->entryFor(hello.serverName, m_context->defaultHost)
                                                     : nullptr;
    if (!entry) {
        qCWarning(lcTls).noquote() << QStringLiteral("no certificate for '%1' on %2; closing %3")
                                          .arg(hello.serverName, m_context->displayName, m_info.peer());
        closeConnection();
        return;
    }
    m_state = State::Handshaking;
    m_context->tlsContexts->startServerEncryption(m_ssl, entry->alias(), [this, entry] {
        QSslConfiguration configuration = m_context->tls->configurationForAlias(entry->alias());
        m_context->tlsSettings.applyTo(configuration);
        return configuration;
    });
}

void HttpConnection::onEncrypted()
{
    m_info.tlsProtocol = protocolName(m_ssl->sessionProtocol());
    m_info.tlsCipher = m_ssl->sessionCipher().name();
    if (m_context->tlsSettings.verifyClient != Config::AcceptOptions::VerifyClient::None) {
        const QSslCertificate certificate = m_ssl->peerCertificate();
        QString problem;
        if (certificate.isNull()) {
            if (m_context->tlsSettings.verifyClient == Config::AcceptOptions::VerifyClient::Required)
                problem = QStringLiteral("no client certificate");
        } else {
            QList<QSslCertificate> chain = m_ssl->peerCertificateChain();
            if (chain.isEmpty() || chain.first() != certificate)
                chain.prepend(certificate);
            problem = ClientCertificateVerifier::verify(chain, m_context->tls ? m_context->tls->trusted()
                                                                             : QList<QSslCertificate>());
            if (problem.isEmpty()) {
                const QByteArray der = certificate.toDer();
                const auto *bytes = reinterpret_cast<const unsigned char *>(der.constData());
                const Tls::X509Ptr x509(d2i_X509(nullptr, &bytes, long(der.size())));
                const Tls::CertificateDetails details = Tls::CertificateDetails::of(x509.get());
                m_info.clientCertificateSubject = details.subject;
                m_info.clientCertificateCommonName = details.subjectCommonName;
            } else {
                problem = QStringLiteral("client certificate '%1' refused: %2").arg(certificate.subjectDisplayName(), problem);
            }
        }
        if (!problem.isEmpty()) {
            m_state = State::ReadingHead;
            refuse(403, problem, problem, {}, QStringLiteral("client-certificate"));
            return;
        }
    }
    m_state = State::ReadingHead;
    if (m_socket->bytesAvailable() > 0)
        readHead();
}

void HttpConnection::readHead()
{
    if (m_idle && m_socket->bytesAvailable() > 0) {
        m_idle = false;
        m_timer.start(m_context->options.requestHeadTimeout);
    }
    const qint64 limit = m_context->options.requestHeadMaximumSize;
    const QByteArray data = m_socket->peek(limit + 1);
    const qsizetype end = HttpRequestParser::findEndOfHead(data);
    if (end < 0 || end > limit) {
        if (data.size() > limit)
            refuse(431, QStringLiteral("request head larger than %1 bytes").arg(limit));
        return; // wait for the rest
    }
    const auto request = HttpRequestParser::parse(QByteArrayView(data).first(end));
    if (!request) {
        refuse(request.error().status, request.error().reason, request.error().reason);
        return;
    }
    m_timer.stop();
    dispatch(*request);
}

void HttpConnection::dispatch(const HttpRequestHead &request)
{
    m_headRequest = request.method == "HEAD";
    const bool keepAlive = request.keepAlive() && !request.hasBody()
        && m_context->options.keepaliveTimeout.count() > 0;
    const auto route = m_context->routes.match(request.host(), request.path, request.wantsWebSocket());
    if (!route) {
        m_socket->skip(request.headLength);
        // At debug level: scanners ask for paths that do not exist all day long.
        logRefusal(QtDebugMsg, 404, QStringLiteral("no service at this address"), {}, &request);
        countRefusal({}, QStringLiteral("not-found"));
        respond(HttpResponse::error(404), keepAlive);
        return;
    }
    // A CORS preflight never carries credentials (browsers do not send them): answered first.
    if (CrossOriginPolicy::isPreflight(request) && !(route->webSocket && request.wantsWebSocket())) {
        m_socket->skip(request.headLength);
        HttpResponse response = route->service->crossOrigin().preflight(request);
        if (response.status == 403) {
            logRefusal(QtInfoMsg, 403, QStringLiteral("preflight: ") + QString::fromUtf8(response.body).section(u'\n', 1).trimmed(),
                       route->service->name(), &request);
            countRefusal(route->service->name(), QStringLiteral("origin"));
        }
        respond(std::move(response), keepAlive);
        return;
    }
    const CrossOriginPolicy &origins = route->service->crossOrigin();
    const CrossOriginPolicy::Verdict origin = origins.check(request);
    if (route->webSocket && request.wantsWebSocket()) {
        if (origin == CrossOriginPolicy::Verdict::Refused) {
            // Browsers let any page open a WebSocket anywhere; the gateway is the only check.
            refuse(403, QStringLiteral("origin %1 is not allowed by service '%2'")
                            .arg(QString::fromLatin1(request.header("Origin")), route->service->name()),
                   QStringLiteral("origin not allowed"), route->service->name(), QStringLiteral("origin"));
            return;
        }
        // RFC 6455 §4.2.1: the handshake is a GET over HTTP/1.1 with a 16-byte key and version 13.
        // §11.3.1 and §11.3.5: a request carries each of those two once; header() would read the
        // first of several and let the others pass unseen.
        const auto occurrences = [&request](QByteArrayView name) {
            return std::count_if(request.headers.cbegin(), request.headers.cend(), [name](const auto &header) {
                return header.first.compare(name, Qt::CaseInsensitive) == 0;
            });
        };
        if (request.method != "GET" || request.minorVersion != 1
            || occurrences("Sec-WebSocket-Key") > 1 || occurrences("Sec-WebSocket-Version") > 1
            || !WebSocket::Handshake::isValidClientKey(request.header("Sec-WebSocket-Key").trimmed())) {
            refuse(400, QStringLiteral("malformed WebSocket handshake"), QStringLiteral("malformed WebSocket handshake"),
                   route->service->name());
            return;
        }
        m_info.origin = QString::fromLatin1(request.header("Origin").left(256));
        if (!authenticate(request, *route))
            return;
        if (request.header("Sec-WebSocket-Version").trimmed() != "13") {
            countRefusal(route->service->name(), QStringLiteral("websocket-version"));
            logRefusal(QtInfoMsg, 426, QStringLiteral("WebSocket version 13 is required"), route->service->name(), &request);
            m_socket->skip(request.headLength);
            HttpResponse response = HttpResponse::error(426, QStringLiteral("WebSocket version 13 is required"));
            response.setHeader("Sec-WebSocket-Version", "13");
            respond(response, false);
            return;
        }
        handOver(request, *route);
        return;
    }
    // What the service answers before any login (a login service's checks against forged
    // requests, its logout).
    if (std::optional<HttpResponse> early = route->service->screen(request, m_info)) {
        m_socket->skip(request.headLength);
        if (early->status >= 400) {
            logRefusal(QtInfoMsg, early->status, QString::fromUtf8(early->body).section(u'\n', 1).trimmed(),
                       route->service->name(), &request);
            countRefusal(route->service->name(), early->status == 405 ? QStringLiteral("bad-request") : QStringLiteral("forbidden"));
        }
        const Auth::Realm *realm = route->service->realm();
        if (early->clearSessionCookie && realm && realm->sessionCookie())
            early->headers.append({"Set-Cookie", realm->sessionCookie()->clearCookie(m_context->secureScheme)});
        origins.decorate(*early, request);
        respond(std::move(*early), keepAlive);
        return;
    }
    // Log in first (it consumes the head itself when it refuses): a protected service does not
    // tell strangers even that it speaks WebSocket.
    if (!authenticate(request, *route))
        return;
    m_socket->skip(request.headLength);
    if (route->upgradeOnly) {
        HttpResponse response = HttpResponse::error(426, QStringLiteral("this is a WebSocket service: connect with ws:// or wss://"));
        response.setHeader("Upgrade", "websocket");
        response.setHeader("Connection", "Upgrade");
        respond(response, keepAlive);
        return;
    }
    HttpResponse response = route->service->handleHttp(request, route->relativePath, m_info);
    origins.decorate(response, request);
    respond(std::move(response), keepAlive);
}

bool HttpConnection::authenticate(const HttpRequestHead &request, const RouteMatch &route)
{
    m_setCookie.clear();
    m_info.user.clear();
    m_info.roles.clear();
    m_info.loginTime = QDateTime();
    const Auth::Realm *realm = route.service->realm();
    if (!realm)
        return true;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    // A single sign-on cookie stands for a login only when the request brings no credentials
    // of its own: whoever sends a password or a token means to log in (again, or as another user).
    std::optional<Auth::SessionCookie::Login> login;
    const bool freshLogin = CredentialReader::presentsSecrets(request, *realm) || !realm->sessionCookie();
    if (!freshLogin)
        login = sessionCookieLogin(request, *realm, now);
    const bool byCookie = login.has_value();
    if (!login) {
        const auto result = credentialLogin(request, route, now);
        if (!result)
            return false; // answered
        login = Auth::SessionCookie::Login{*result, now};
    }
    const Config::AuthorizationConstraint constraint = route.service->config().authorization.value_or(
        Config::AuthorizationConstraint{{}, true, {}});
    if (!constraint.admits(login->result.roles)) {
        refuseLogin(request, route, 403,
                    QStringLiteral("user '%1' has none of the roles %2").arg(login->result.user, constraint.requireRoles.join(u", ")),
                    QStringLiteral("user '%1' may not use this service").arg(login->result.user));
        return false;
    }
    // The cookie goes with an answer that lets the user in, after a login that was not itself the
    // cookie — but not to a GET or HEAD that another site started (a link or an embedded
    // resource whose URL carries a token): that would log the visitor in, in their browser, as
    // whoever the token belongs to (login CSRF). The request itself is still let in.
    const Auth::SessionCookie *cookie = realm->sessionCookie();
    const bool crossSiteVisit = (request.method == "GET" || request.method == "HEAD")
        && request.header("Sec-Fetch-Site").trimmed().compare("cross-site", Qt::CaseInsensitive) == 0;
    if (cookie && !byCookie && crossSiteVisit)
        qCInfo(lcFrontdoor).noquote() << QStringLiteral("%1 for realm '%2' not set for %3: the request came from another site")
                                             .arg(cookie->name(), realm->name(), m_info.peer());
    if (cookie && !byCookie && !crossSiteVisit)
        m_setCookie = cookie->setCookie(login->result, now, m_context->secureScheme);
    m_info.user = login->result.user;
    m_info.roles = login->result.roles;
    m_info.loginTime = login->loginTime;
    return true;
}

std::optional<Auth::SessionCookie::Login> HttpConnection::sessionCookieLogin(const HttpRequestHead &request,
                                                                            const Auth::Realm &realm, const QDateTime &now)
{
    const Auth::SessionCookie *cookie = realm.sessionCookie();
    if (!cookie)
        return std::nullopt;
    const QByteArray value = request.cookie(cookie->name().toLatin1());
    if (value.isNull())
        return std::nullopt;
    auto login = cookie->verify(value, now);
    if (!login) {
        // Not a refusal: the client is challenged as if it had sent no cookie.
        qCInfo(lcFrontdoor).noquote() << QStringLiteral("%1 for realm '%2' from %3 ignored: %4")
                                             .arg(cookie->name(), realm.name(), m_info.peer(), login.error());
        return std::nullopt;
    }
    return *login;
}

std::optional<Auth::LoginResult> HttpConnection::credentialLogin(const HttpRequestHead &request, const RouteMatch &route,
                                                                 const QDateTime &now)
{
    const Auth::Realm &realm = *route.service->realm();
    const QString address = m_info.peerAddress.toString();
    Auth::LoginThrottle &throttle = realm.throttle();
    const auto tooMany = [&](qint64 retryAfter) {
        refuseLogin(request, route, 429, {}, QStringLiteral("too many failed logins; try again in %1 s").arg(retryAfter),
                    retryAfter);
        return std::nullopt;
    };
    if (const qint64 retryAfter = throttle.retryAfter(address, {}, now); retryAfter > 0)
        return tooMany(retryAfter);
    CredentialReader::Result presented = CredentialReader::read(request, realm, m_info);
    Auth::Credentials &credentials = presented.credentials;
    const auto forget = qScopeGuard([&] {
        credentials.password.fill('\0');
        credentials.token.fill('\0');
    });
    if (credentials.isEmpty()) {
        refuseLogin(request, route, 401, presented.malformed.isEmpty() ? QStringLiteral("no credentials") : presented.malformed,
                    QStringLiteral("authentication required"));
        return std::nullopt;
    }
    if (!credentials.user.isEmpty()) {
        // Even the right password gets 429 now: an answer would confirm a guess.
        if (const qint64 retryAfter = throttle.retryAfter(address, credentials.user, now); retryAfter > 0)
            return tooMany(retryAfter);
    }
    auto login = realm.login(credentials);
    if (login)
        return std::move(*login);
    // Only guesses count: a password or a token that did not work.
    const bool guessed = !credentials.password.isEmpty() || !credentials.token.isEmpty();
    if (guessed && throttle.recordFailure(address, credentials.user, now))
        qCWarning(lcFrontdoor).noquote()
            << QStringLiteral("realm '%1': %2 failed logins from %3%4: further attempts get 429 for a while")
                   .arg(realm.name()).arg(throttle.maximumFailures()).arg(address,
                        credentials.user.isEmpty() ? QString() : QStringLiteral(" or for user '%1'").arg(credentials.user));
    refuseLogin(request, route, 401, login.error(),
                guessed ? QStringLiteral("wrong credentials") : QStringLiteral("authentication required"));
    return std::nullopt;
}

void HttpConnection::refuseLogin(const HttpRequestHead &request, const RouteMatch &route, int status,
                                 const QString &reason, const QString &detail, qint64 retryAfter)
{
    const Auth::Realm &realm = *route.service->realm();
    countRefusal(route.service->name(), status == 401   ? QStringLiteral("authentication")
                                        : status == 403 ? QStringLiteral("authorization")
                                                        : QStringLiteral("throttled"));
    // Throttled attempts are counted, not logged one by one: the block itself is logged once.
    if (status != 429)
        logRefusal(QtInfoMsg, status, reason, route.service->name(), &request, realm.name());
    m_socket->skip(request.headLength);
    HttpResponse response = HttpResponse::error(status, detail);
    if (status == 401)
        response.setHeader("WWW-Authenticate", realm.challenge());
    if (status == 429)
        response.setHeader("Retry-After", QByteArray::number(retryAfter));
    // A refused upgrade ends the connection (the client wanted no HTTP conversation, and
    // WebSocket clients wait for the close); a refused HTTP request may be retried on it
    // with credentials. A body, if any, is never read: the connection ends then too.
    respond(std::move(response), !request.wantsWebSocket() && request.keepAlive() && !request.hasBody()
                                     && m_context->options.keepaliveTimeout.count() > 0);
}

void HttpConnection::handOver(const HttpRequestHead &request, const RouteMatch &route)
{
    if (m_socket->state() != QAbstractSocket::ConnectedState) {
        // The client left while its upgrade waited behind an earlier response.
        closeConnection();
        return;
    }
    m_socket->skip(request.headLength);
    m_timer.stop();
    m_state = State::Closing;
    disconnect(m_socket, nullptr, this, nullptr);
    QTcpSocket *socket = m_socket;
    m_socket = nullptr;
    m_ssl = nullptr;
    QList<PendingUpgrade::Header> headers;
    if (!m_setCookie.isEmpty())
        headers.append({"Set-Cookie", std::exchange(m_setCookie, {})});
    auto *upgrade = new PendingUpgrade(socket, request, m_info, headers, parent());
    upgrade->keepAlive(route.service);
    if (route.service->admitsSession())
        route.service->upgrade(upgrade);
    else
        route.service->refuseOverSessionLimit(upgrade);
    deleteLater();
}

void HttpConnection::respond(HttpResponse response, bool keepAlive)
{
    m_state = State::Writing;
    m_keepAlive = keepAlive;
    m_response = std::move(response);
    if (!m_setCookie.isEmpty())
        m_response.headers.append({"Set-Cookie", std::exchange(m_setCookie, {})});
    if (m_headRequest)
        m_response.omitBody = true; // RFC 9110 §9.3.2, whatever produced the response
    // A client that stops reading is given http.write.timeout per stall, not forever.
    m_timer.start(m_context->options.writeTimeout);
    QByteArray out = m_response.serializeHead(keepAlive);
    m_bodyRemaining = 0;
    if (!m_response.omitBody) {
        if (m_response.bodyDevice)
            m_bodyRemaining = m_response.contentLength();
        else
            out += m_response.body;
    }
    m_socket->write(out);
    pumpBody();
}

void HttpConnection::pumpBody()
{
    if (m_state != State::Writing || !m_socket)
        return;
    m_timer.start(m_context->options.writeTimeout); // progress: the stall clock starts again
    while (m_bodyRemaining > 0 && Util::SocketOutput::unsent(m_socket) < kHighWater) {
        const QByteArray chunk = m_response.bodyDevice->read(qMin(kChunk, m_bodyRemaining));
        if (chunk.isEmpty()) {
            // The file shrank under us: the length is already promised, so end the connection.
            qCWarning(lcFrontdoor) << "file ended early while sending it; closing" << m_info.peer();
            m_keepAlive = false;
            m_bodyRemaining = 0;
            break;
        }
        m_socket->write(chunk);
        m_bodyRemaining -= chunk.size();
    }
    if (m_bodyRemaining == 0)
        finishResponse();
}

void HttpConnection::finishResponse()
{
    m_response = HttpResponse();
    m_headRequest = false;
    if (!m_keepAlive) {
        closeConnection();
        return;
    }
    waitForNextRequest();
}

void HttpConnection::waitForNextRequest()
{
    m_state = State::ReadingHead;
    m_idle = true;
    m_timer.start(m_context->options.keepaliveTimeout);
    if (m_socket->bytesAvailable() > 0)
        QTimer::singleShot(0, this, [this] {
            if (m_state == State::ReadingHead && m_socket)
                readHead();
        });
}

void HttpConnection::onTimeout()
{
    if (m_state == State::ReadingHead && !m_idle && m_socket->bytesAvailable() > 0) {
        refuse(408, QStringLiteral("request head not complete within %1 ms")
                        .arg(m_context->options.requestHeadTimeout.count()));
        return;
    }
    if (m_state == State::SniffingTls || m_state == State::Handshaking)
        qCInfo(lcTls).noquote() << QStringLiteral("TLS handshake with %1 timed out").arg(m_info.peer());
    if (m_state == State::Writing) {
        // Nothing can be sent to a client that does not read, not even a goodbye.
        qCInfo(lcFrontdoor).noquote() << QStringLiteral("%1 on %2 stopped reading; response abandoned after %3 ms")
                                             .arg(m_info.peer(), m_context->displayName)
                                             .arg(m_context->options.writeTimeout.count());
        m_socket->abort();
        return;
    }
    closeConnection();
}

void HttpConnection::countRefusal(const QString &service, const QString &reason)
{
    if (m_context->metrics)
        m_context->metrics->countRefusal(service, reason);
}

void HttpConnection::logRefusal(QtMsgType level, int status, const QString &reason, const QString &service,
                                const HttpRequestHead *request, const QString &realm) const
{
    LogLine line(QStringLiteral("refused"));
    line.add(QStringLiteral("client"), m_info.peer())
        .add(QStringLiteral("listener"), m_context->displayName)
        .addIfSet(QStringLiteral("service"), service)
        .addIfSet(QStringLiteral("realm"), realm);
    if (request) // never the query: it may hold a token
        line.add(QStringLiteral("request"), QString::fromLatin1(request->method) + u' ' + request->path);
    line.add(QStringLiteral("status"), qint64(status)).add(QStringLiteral("reason"), reason);
    if (level == QtDebugMsg)
        qCDebug(lcFrontdoor).noquote() << line.text();
    else
        qCInfo(lcFrontdoor).noquote() << line.text();
}

void HttpConnection::refuse(int status, const QString &reason, const QString &detail, const QString &service,
                            const QString &category)
{
    countRefusal(service, !category.isEmpty() ? category
                          : status == 408    ? QStringLiteral("timeout")
                          : status == 431    ? QStringLiteral("too-large")
                          : status == 403    ? QStringLiteral("forbidden")
                                             : QStringLiteral("bad-request"));
    logRefusal(QtInfoMsg, status, reason, service);
    m_timer.stop();
    HttpResponse response = HttpResponse::error(status, detail);
    respond(response, false);
}

void HttpConnection::closeConnection()
{
    if (!m_socket || m_state == State::Closing)
        return;
    m_state = State::Closing;
    m_timer.stop();
    // Flushes what is queued, then closes; a peer that never reads is cut off by the timer.
    m_timer.start(std::chrono::seconds(5));
    connect(&m_timer, &QTimer::timeout, m_socket, &QAbstractSocket::abort);
    m_socket->disconnectFromHost();
    if (m_socket->state() == QAbstractSocket::UnconnectedState)
        deleteLater();
}

} // namespace Postern::Frontdoor
