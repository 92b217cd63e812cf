// The C++ client library against an in-process gateway: each challenge scheme with wrong
// then right credentials, a handler that gives up, the attempt limit, refusals with the
// gateway's reason, tokens in every place a realm reads them, single sign-on reuse, trust
// (pinned, authorities, system) accepted and refused, and a custom scheme answered through
// the dispatcher by a server of the test's own. Another such server shows exactly what the
// client sends: tokens in a query parameter byte for byte, nothing when a value would break
// the request, and no Basic password over ws:// away from loopback.

#include "app/gateway.h"
#include "auth/passwordhasher.h"
#include "basicchallengehandler.h"
#include "challengedispatcher.h"
#include "clientsocket.h"
#include "config/configloader.h"
#include "frontdoor/httprequestparser.h"
#include "testjwt.h"
#include "testpki.h"
#include "tokenchallengehandler.h"
#include "websocket/handshake.h"

#include <QFile>
#include <QMessageAuthenticationCode>
#include <QNetworkInterface>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

using namespace Postern;
using namespace Postern::Client;
using Testing::TestJwt;
using Testing::TestPki;

namespace {

const QByteArray kSecret = QByteArrayLiteral("client-test-hs256-secret-0123456789abcd");

// Connects and waits for the outcome, spinning the event loop (the gateway runs in it).
ConnectOutcome connectTo(ClientSocket &socket, const QUrl &url, const ConnectOptions &options)
{
    QSignalSpy connected(&socket, &ClientSocket::connected);
    QSignalSpy failed(&socket, &ClientSocket::connectFailed);
    socket.open(url, options);
    if (!QTest::qWaitFor([&] { return !connected.isEmpty() || !failed.isEmpty(); }, 20000))
        qWarning() << "no outcome for" << url;
    return socket.outcome();
}

// Answers with the given credentials, one per attempt, and records what it was asked.
struct CredentialScript
{
    QList<std::optional<Credentials>> answers;
    QList<Challenge> asked;

    std::shared_ptr<BasicChallengeHandler> handler()
    {
        return std::make_shared<BasicChallengeHandler>([this](const Challenge &challenge, BasicChallengeHandler::CredentialsReply reply) {
            asked.append(challenge);
            reply(answers.isEmpty() ? std::nullopt : answers.takeFirst());
        });
    }
};

// A made-up scheme, as an application would add one: "X-Hmac" answers the server's nonce
// with HMAC-SHA256(secret, nonce) in hex.
class HmacChallengeHandler final : public ChallengeHandler
{
public:
    explicit HmacChallengeHandler(QByteArray secret) : m_secret(std::move(secret)) {}

    bool canHandle(const Challenge &challenge) const override { return challenge.isScheme(u"X-Hmac"); }
    void handle(const Challenge &challenge, Reply reply) override
    {
        ++calls;
        ChallengeResponse response;
        response.authorization = "X-Hmac " + QMessageAuthenticationCode::hash(challenge.parameter(QStringLiteral("nonce")).toUtf8(),
                                                                               m_secret, QCryptographicHash::Sha256).toHex();
        reply(response);
    }

    int calls = 0;

private:
    QByteArray m_secret;
};

// A server of the test's own for the X-Hmac scheme: 401 with a nonce until the right answer
// comes, then 101.
class HmacServer final : public QObject
{
public:
    explicit HmacServer(QByteArray secret) : m_secret(std::move(secret))
    {
        QObject::connect(&server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = server.nextPendingConnection()) {
                socket->setParent(this);
                QObject::connect(socket, &QTcpSocket::readyRead, this, [this, socket] { answer(socket); });
            }
        });
        server.listen(QHostAddress::LocalHost);
    }

    QTcpServer server;
    QList<QByteArray> authorizations;

private:
    void answer(QTcpSocket *socket)
    {
        const QByteArray head = socket->peek(16384);
        if (!head.contains("\r\n\r\n"))
            return;
        socket->readAll();
        QByteArray key;
        QByteArray authorization;
        for (const QByteArray &line : head.split('\n')) {
            if (line.toLower().startsWith("sec-websocket-key:"))
                key = line.mid(18).trimmed();
            if (line.toLower().startsWith("authorization:"))
                authorization = line.mid(14).trimmed();
        }
        authorizations.append(authorization);
        const QByteArray expected = "X-Hmac " + QMessageAuthenticationCode::hash("n-0815", m_secret, QCryptographicHash::Sha256).toHex();
        if (authorization == expected) {
            socket->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Accept: " + WebSocket::Handshake::acceptKey(key) + "\r\n\r\n");
            return;
        }
        socket->write("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: X-Hmac realm=\"lab\", nonce=\"n-0815\"\r\n"
                      "Content-Length: 0\r\nConnection: close\r\n\r\n");
        socket->disconnectFromHost();
    }

    QByteArray m_secret;
};

// A server of the test's own that keeps every request head it gets: a handshake that carries
// credentials (Authorization, a cookie, X-Token or access_token) is answered 101, any other
// 401 with `challenge`.
class CaptureServer final : public QObject
{
public:
    explicit CaptureServer(QByteArray challenge, const QHostAddress &address = QHostAddress::LocalHost)
        : m_challenge(std::move(challenge))
    {
        QObject::connect(&server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = server.nextPendingConnection()) {
                socket->setParent(this);
                QObject::connect(socket, &QTcpSocket::readyRead, this, [this, socket] { answer(socket); });
            }
        });
        server.listen(address);
    }

    QUrl url(const QString &pathAndQuery) const
    {
        return QUrl(QStringLiteral("ws://%1:%2%3").arg(server.serverAddress().toString()).arg(server.serverPort()).arg(pathAndQuery));
    }

    QTcpServer server;
    QList<QByteArray> heads;

private:
    void answer(QTcpSocket *socket)
    {
        const qsizetype end = socket->peek(16384).indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QByteArray head = socket->read(end + 4);
        heads.append(head);
        const QByteArray lower = head.toLower();
        QByteArray key;
        for (const QByteArray &line : head.split('\n'))
            if (line.toLower().startsWith("sec-websocket-key:"))
                key = line.mid(18).trimmed();
        if (lower.contains("\r\nauthorization:") || lower.contains("\r\ncookie:") || lower.contains("\r\nx-token:")
            || lower.contains("access_token=")) {
            socket->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Accept: " + WebSocket::Handshake::acceptKey(key) + "\r\n\r\n");
            return;
        }
        socket->write("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: " + m_challenge
                      + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        socket->disconnectFromHost();
    }

    QByteArray m_challenge;
};

// Where unsafeValuesAreNotSent puts its value.
enum class Place { Header, Origin, Protocol, TokenHeader, TokenAuthorization, TokenCookie };

} // namespace

class TestClient : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    TestPki m_pki;
    Tls::KeystoreEntry m_serverEntry;
    quint16 m_http = 0;
    quint16 m_tls = 0;
    App::Gateway *m_gateway = nullptr;

    QUrl ws(const QString &path) const { return QUrl(QStringLiteral("ws://localhost:%1/%2").arg(m_http).arg(path)); }
    QUrl wss(const QString &path) const { return QUrl(QStringLiteral("wss://localhost:%1/%2").arg(m_tls).arg(path)); }

    void writeFile(const QString &name, const QByteArray &data)
    {
        QFile file(m_dir.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(data);
        file.close();
        QVERIFY(file.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
    }

    static QByteArray token(const QString &user = QStringLiteral("tina"), const QByteArray &secret = kSecret)
    {
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        return TestJwt::hs256({{QStringLiteral("sub"), user}, {QStringLiteral("exp"), double(now + 300)}}, secret);
    }

    // An open socket echoes a message and closes cleanly.
    static void echoAndClose(ClientSocket &socket)
    {
        QSignalSpy received(&socket, &ClientSocket::textMessageReceived);
        QVERIFY(socket.sendTextMessage(QStringLiteral("hello, gateway")));
        QVERIFY(received.wait(5000));
        QCOMPARE(received.first().first().toString(), QStringLiteral("hello, gateway"));
        QSignalSpy gone(&socket, &ClientSocket::disconnected);
        socket.close(1000, QStringLiteral("done"));
        QVERIFY(gone.wait(5000));
        QCOMPARE(int(socket.closeCode()), 1000);
        QCOMPARE(socket.state(), ClientSocket::State::Unconnected);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_http = Testing::freePort();
        m_tls = Testing::freePort();
        const auto hash = [](const char *password) { return *Auth::PasswordHasher::hash(password); };
        writeFile(QStringLiteral("users.xml"),
                  "<jaas-config>\n"
                  "  <user><name>alice</name><password>" + hash("alice-password") + "</password><role-name>AUTHORIZED</role-name></user>\n"
                  "  <user><name>guest</name><password>" + hash("guest-password") + "</password><role-name>GUEST</role-name></user>\n"
                  "</jaas-config>\n");
        writeFile(QStringLiteral("jwt.secret"), kSecret + '\n');
        m_serverEntry = m_pki.serverEntry(QStringLiteral("localhost"), {QStringLiteral("localhost")});
        TestPki::writeKeystore(m_dir.path(), {m_serverEntry});
        const QByteArray http = QByteArray::number(m_http);
        const QByteArray tls = QByteArray::number(m_tls);
        const auto echo = [&](const QByteArray &name, const QByteArray &realm, const QByteArray &role = {}) -> QByteArray {
            return "<service><name>" + name + "</name><accept>ws://localhost:" + http + "/" + name + "</accept>"
                   "<accept>wss://localhost:" + tls + "/" + name + "</accept><type>echo</type>"
                + (realm.isEmpty() ? QByteArray() : "<realm-name>" + realm + "</realm-name>")
                + (role.isEmpty() ? QByteArray() : "<authorization-constraint><require-role>" + role + "</require-role></authorization-constraint>")
                + "</service>\n";
        };
        const auto realm = [](const QByteArray &name, const QByteArray &scheme, const QByteArray &more,
                              const QByteArray &module) -> QByteArray {
            return "<realm><name>" + name + "</name><authentication><http-challenge-scheme>" + scheme
                + "</http-challenge-scheme>" + more + "<login-modules>" + module + "</login-modules></authentication></realm>\n";
        };
        const QByteArray file = "<login-module><type>file</type><options><file>users.xml</file></options></login-module>";
        const QByteArray jwt = "<login-module><type>token</type><options><algorithm>HS256</algorithm>"
                               "<key-file>jwt.secret</key-file></options></login-module>";
        const QByteArray xml = "<gateway-config>\n" + echo("echo", {}) + echo("basic", "basic", "AUTHORIZED")
            + echo("sso-a", "app") + echo("sso-b", "app") + echo("tokens", "tokens") + echo("throttled", "guarded")
            + "<security><keystore><file>keystore.p12</file><password-file>keystore.pw</password-file></keystore>\n"
            + realm("basic", "Basic", {}, file)
            + realm("app", "Application Basic", "<authorization-mode>recycle</authorization-mode>", file)
            + realm("tokens", "Application Token",
                    "<http-header>X-Token</http-header><http-query-parameter>access_token</http-query-parameter>"
                    "<http-cookie>token_cookie</http-cookie>",
                    jwt)
            + realm("guarded", "Application Basic", "<login-throttle><maximum-failures>2</maximum-failures></login-throttle>", file)
            + "</security></gateway-config>\n";
        writeFile(QStringLiteral("gateway-config.xml"), xml);
        const auto config = Config::ConfigLoader::loadFile(m_dir.filePath(QStringLiteral("gateway-config.xml")));
        QVERIFY2(config, config ? "" : qPrintable(config.error().first().toString()));
        m_gateway = new App::Gateway(this);
        const auto applied = m_gateway->apply(*config);
        QVERIFY2(applied, applied ? "" : qPrintable(applied.error().join(u'\n')));
    }

    void challengesParse_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QString>("schemes"); // "|" between challenges
        QTest::addColumn<QString>("realms");
        QTest::newRow("Basic") << QByteArray("Basic realm=\"demo\"") << QStringLiteral("Basic") << QStringLiteral("demo");
        QTest::newRow("Application Basic") << QByteArray("Application Basic realm=\"demo\"")
                                           << QStringLiteral("Application Basic") << QStringLiteral("demo");
        QTest::newRow("two, with a comma in a realm")
            << QByteArray("Basic realm=\"a, b\", Bearer realm=\"x\", error=\"invalid_token\"")
            << QStringLiteral("Basic|Bearer") << QStringLiteral("a, b|x");
        QTest::newRow("escaped quote") << QByteArray("Basic realm=\"say \\\"hi\\\"\"") << QStringLiteral("Basic")
                                       << QStringLiteral("say \"hi\"");
        QTest::newRow("token68") << QByteArray("Negotiate YIIB9gYGKwYBBQUCoIIB6jCC==, Basic realm=r")
                                 << QStringLiteral("Negotiate|Basic") << QStringLiteral("|r");
        QTest::newRow("Application as a one-word scheme") << QByteArray("Application realm=\"x\"")
                                                          << QStringLiteral("Application") << QStringLiteral("x");
        QTest::newRow("unterminated quote") << QByteArray("Basic realm=\"open") << QStringLiteral("Basic") << QStringLiteral("");
        QTest::newRow("empty") << QByteArray("") << QStringLiteral("") << QStringLiteral("");
    }

    void challengesParse()
    {
        QFETCH(QByteArray, header);
        QFETCH(QString, schemes);
        QFETCH(QString, realms);
        const QList<Challenge> challenges = Challenge::parse(header);
        QStringList gotSchemes, gotRealms;
        for (const Challenge &challenge : challenges) {
            gotSchemes << challenge.scheme;
            gotRealms << challenge.realm;
        }
        QCOMPARE(gotSchemes.join(u'|'), schemes);
        QCOMPARE(gotRealms.join(u'|'), realms);
    }

    void tokenChallengeNamesWhereTokensGo()
    {
        const QList<Challenge> challenges = Challenge::parse(
            "Application Token realm=\"api\", header=\"X-Token\", parameter=\"access_token\", cookie=\"tok\"");
        QCOMPARE(challenges.size(), 1);
        QCOMPARE(challenges.first().parameter(QStringLiteral("parameter")), QStringLiteral("access_token"));
        const TokenCarrier carrier = TokenCarrier::advertised().resolvedFor(challenges.first());
        QCOMPARE(carrier.kind, TokenCarrier::Kind::Header);
        QCOMPARE(carrier.name, QByteArray("X-Token"));
        QCOMPARE(TokenCarrier::advertised().resolvedFor(Challenge::parse("Application Token realm=\"api\"").first()).kind,
                 TokenCarrier::Kind::Authorization);
    }

    void basicWrongThenRight()
    {
        CredentialScript script;
        script.answers = {Credentials{QStringLiteral("alice"), QStringLiteral("wrong")},
                          Credentials{QStringLiteral("alice"), QStringLiteral("alice-password")}};
        ConnectOptions options;
        options.challengeHandler = script.handler();
        ClientSocket socket;
        QSignalSpy challenged(&socket, &ClientSocket::challenged);
        const ConnectOutcome outcome = connectTo(socket, ws(QStringLiteral("basic")), options);
        QVERIFY2(outcome.isConnected(), qPrintable(outcome.message));
        QCOMPARE(script.asked.size(), 2);
        QCOMPARE(script.asked[0].scheme, QStringLiteral("Basic"));
        QCOMPARE(script.asked[0].realm, QStringLiteral("basic"));
        QCOMPARE(script.asked[0].attempt, 1);
        QCOMPARE(script.asked[1].attempt, 2); // the first answer was refused
        QCOMPARE(challenged.size(), 2);
        echoAndClose(socket);
    }

    void applicationBasicHandlerGivesUp()
    {
        CredentialScript script; // no answers: it gives up at once
        ConnectOptions options;
        options.challengeHandler = script.handler();
        ClientSocket socket;
        const ConnectOutcome outcome = connectTo(socket, ws(QStringLiteral("sso-a")), options);
        QCOMPARE(outcome.kind, ConnectOutcome::Kind::GaveUp);
        QCOMPARE(outcome.status, 401);
        QVERIFY(outcome.challenge);
        QCOMPARE(outcome.challenge->scheme, QStringLiteral("Application Basic"));
        QCOMPARE(outcome.challenge->realm, QStringLiteral("app"));
        QVERIFY2(outcome.message.contains(u"gave up"), qPrintable(outcome.message));
        QCOMPARE(socket.state(), ClientSocket::State::Unconnected);
    }

    void attemptsAreLimited()
    {
        CredentialScript script;
        for (int i = 0; i < 10; ++i)
            script.answers.append(Credentials{QStringLiteral("alice"), QStringLiteral("wrong-%1").arg(i)});
        ConnectOptions options;
        options.challengeHandler = script.handler();
        options.maximumAttempts = 2;
        ClientSocket socket;
        const ConnectOutcome outcome = connectTo(socket, ws(QStringLiteral("basic")), options);
        QCOMPARE(outcome.kind, ConnectOutcome::Kind::GaveUp);
        QCOMPARE(script.asked.size(), 2);
        QVERIFY2(outcome.message.contains(u"2 answer(s) for realm 'basic' refused"), qPrintable(outcome.message));
    }

    void refusalsCarryTheGatewaysReason()
    {
        CredentialScript script;
        script.answers = {Credentials{QStringLiteral("guest"), QStringLiteral("guest-password")}};
        ConnectOptions options;
        options.challengeHandler = script.handler();
        ClientSocket socket;
        const ConnectOutcome forbidden = connectTo(socket, ws(QStringLiteral("basic")), options);
        QCOMPARE(forbidden.kind, ConnectOutcome::Kind::Refused);
        QCOMPARE(forbidden.status, 403);
        QCOMPARE(forbidden.reason, QStringLiteral("Forbidden"));
        QVERIFY2(forbidden.detail.contains(u"user 'guest' may not use this service"), qPrintable(forbidden.detail));
        // No handler: the 401 is the outcome, with the challenge that was not answered.
        const ConnectOutcome unanswered = connectTo(socket, ws(QStringLiteral("basic")), ConnectOptions());
        QCOMPARE(unanswered.kind, ConnectOutcome::Kind::Refused);
        QCOMPARE(unanswered.status, 401);
        QCOMPARE(unanswered.challenge->realm, QStringLiteral("basic"));
        QVERIFY2(unanswered.message.contains(u"no challenge handler"), qPrintable(unanswered.message));
        // Not found.
        const ConnectOutcome missing = connectTo(socket, ws(QStringLiteral("nowhere")), ConnectOptions());
        QCOMPARE(missing.kind, ConnectOutcome::Kind::Refused);
        QCOMPARE(missing.status, 404);
    }

    void guessingIsThrottled()
    {
        CredentialScript script;
        for (int i = 0; i < 3; ++i)
            script.answers.append(Credentials{QStringLiteral("alice"), QStringLiteral("guess-%1").arg(i)});
        ConnectOptions options;
        options.challengeHandler = script.handler();
        ClientSocket socket;
        const ConnectOutcome outcome = connectTo(socket, ws(QStringLiteral("throttled")), options);
        QCOMPARE(outcome.kind, ConnectOutcome::Kind::Refused);
        QCOMPARE(outcome.status, 429);
        QVERIFY(outcome.retryAfter > 0);
        QVERIFY2(outcome.message.contains(u"try again in"), qPrintable(outcome.message));
    }

    void tokensInEveryCarrier_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QByteArray>("name");
        QTest::newRow("Authorization") << int(TokenCarrier::Kind::Authorization) << QByteArray();
        QTest::newRow("header") << int(TokenCarrier::Kind::Header) << QByteArray("X-Token");
        QTest::newRow("query parameter") << int(TokenCarrier::Kind::QueryParameter) << QByteArray("access_token");
        QTest::newRow("cookie") << int(TokenCarrier::Kind::Cookie) << QByteArray("token_cookie");
        QTest::newRow("as the challenge says") << int(TokenCarrier::Kind::Advertised) << QByteArray();
    }

    void tokensInEveryCarrier()
    {
        QFETCH(int, kind);
        QFETCH(QByteArray, name);
        // A wrong token first (signed with another secret), then a good one.
        QList<QByteArray> tokens = {token(QStringLiteral("tina"), "another-secret-that-is-long-enough-000000"), token()};
        int asked = 0;
        auto handler = std::make_shared<TokenChallengeHandler>(
            [&](const Challenge &challenge, TokenChallengeHandler::TokenReply reply) {
                ++asked;
                QCOMPARE(challenge.scheme, QStringLiteral("Application Token"));
                reply(tokens.isEmpty() ? std::nullopt : std::optional(tokens.takeFirst()));
            },
            TokenCarrier{TokenCarrier::Kind(kind), name});
        ConnectOptions options;
        options.challengeHandler = handler;
        ClientSocket socket;
        const ConnectOutcome outcome = connectTo(socket, ws(QStringLiteral("tokens")), options);
        QVERIFY2(outcome.isConnected(), qPrintable(outcome.message));
        QCOMPARE(asked, 2);
        echoAndClose(socket);
    }

    void tokenHandlerGivesUp()
    {
        auto handler = std::make_shared<TokenChallengeHandler>(
            [](const Challenge &, TokenChallengeHandler::TokenReply reply) { reply(std::nullopt); });
        ConnectOptions options;
        options.challengeHandler = handler;
        ClientSocket socket;
        QCOMPARE(connectTo(socket, ws(QStringLiteral("tokens")), options).kind, ConnectOutcome::Kind::GaveUp);
    }

    void singleSignOnReusesTheCookie()
    {
        CredentialScript script;
        script.answers = {Credentials{QStringLiteral("alice"), QStringLiteral("alice-password")},
                          Credentials{QStringLiteral("alice"), QStringLiteral("alice-password")}};
        ConnectOptions options;
        options.challengeHandler = script.handler();
        options.cookies = std::make_shared<SessionCookieJar>();
        ClientSocket first;
        QVERIFY(connectTo(first, ws(QStringLiteral("sso-a")), options).isConnected());
        QCOMPARE(script.asked.size(), 1);
        QCOMPARE(options.cookies->count(), 1);
        // Another service of the realm: the cookie is the login; the application is not asked.
        ClientSocket second;
        const ConnectOutcome reused = connectTo(second, ws(QStringLiteral("sso-b")), options);
        QVERIFY2(reused.isConnected(), qPrintable(reused.message));
        QCOMPARE(script.asked.size(), 1);
        QVERIFY(!reused.challenge);
        echoAndClose(second);
        echoAndClose(first);
        // Without the jar (or after clear()), it asks again.
        options.cookies->clear();
        ClientSocket third;
        QVERIFY(connectTo(third, ws(QStringLiteral("sso-b")), options).isConnected());
        QCOMPARE(script.asked.size(), 2);
    }

    void pinnedCertificateIsAccepted()
    {
        const QByteArray pin = TrustPolicy::displayFingerprint(TrustPolicy::fingerprint(m_serverEntry.certificate())).toLatin1();
        ConnectOptions options;
        options.trust = *TrustPolicy::pinned({pin});
        ClientSocket socket;
        const ConnectOutcome outcome = connectTo(socket, wss(QStringLiteral("echo")), options);
        QVERIFY2(outcome.isConnected(), qPrintable(outcome.message)); // though no authority vouches for it here
        QCOMPARE(socket.peerCertificateChain().first(), m_serverEntry.certificate());
        echoAndClose(socket);
    }

    void anotherCertificateThanThePinnedOneIsRefused()
    {
        ConnectOptions options;
        options.trust = *TrustPolicy::pinned({QByteArray(64, 'a')});
        ClientSocket socket;
        const ConnectOutcome outcome = connectTo(socket, wss(QStringLiteral("echo")), options);
        QCOMPARE(outcome.kind, ConnectOutcome::Kind::TlsFailure);
        QVERIFY2(outcome.message.contains(u"not the pinned one"), qPrintable(outcome.message));
        QVERIFY(!outcome.peerChain.isEmpty());
        QCOMPARE(outcome.peerChain.first(), m_serverEntry.certificate());
        QVERIFY(outcome.message.contains(TrustPolicy::displayFingerprint(TrustPolicy::fingerprint(m_serverEntry.certificate()))));
        // A pin also refuses a certificate an authority vouches for.
        ConnectOptions both;
        both.trust = *TrustPolicy::pinned({QByteArray(64, 'b')});
        QCOMPARE(connectTo(socket, wss(QStringLiteral("echo")), both).kind, ConnectOutcome::Kind::TlsFailure);
    }

    void authoritiesAndTheSystemStore()
    {
        ConnectOptions trusted;
        trusted.trust = TrustPolicy::authorities({m_pki.caCertificate()});
        ClientSocket socket;
        QVERIFY2(connectTo(socket, wss(QStringLiteral("echo")), trusted).isConnected(), qPrintable(socket.outcome().message));
        echoAndClose(socket);
        // The system's authorities do not know the test CA: refused, never accepted silently.
        const ConnectOutcome refused = connectTo(socket, wss(QStringLiteral("echo")), ConnectOptions());
        QCOMPARE(refused.kind, ConnectOutcome::Kind::TlsFailure);
        QVERIFY(!refused.tlsErrors.isEmpty());
        QCOMPARE(refused.peerChain.first(), m_serverEntry.certificate());
        QVERIFY2(refused.message.contains(u"SHA-256"), qPrintable(refused.message));
        // A CA file.
        QFile ca(m_dir.filePath(QStringLiteral("ca.pem")));
        QVERIFY(ca.open(QIODevice::WriteOnly) && ca.write(m_pki.caCertificate().toPem()) > 0);
        ca.close();
        ConnectOptions fromFile;
        fromFile.trust = *TrustPolicy::authorityFile(ca.fileName());
        QVERIFY(connectTo(socket, wss(QStringLiteral("echo")), fromFile).isConnected());
        QVERIFY(!TrustPolicy::authorityFile(m_dir.filePath(QStringLiteral("users.xml"))));
        QVERIFY(!TrustPolicy::pinned({QByteArray("not a fingerprint")}));
    }

    void customSchemeThroughTheDispatcher()
    {
        HmacServer server("lab-secret");
        auto hmac = std::make_shared<HmacChallengeHandler>("lab-secret");
        CredentialScript basic;
        auto dispatcher = std::make_shared<ChallengeDispatcher>();
        dispatcher->add(basic.handler());       // Basic, any realm
        dispatcher->add(hmac, QStringLiteral("lab")); // X-Hmac for realm "lab"
        ConnectOptions options;
        options.challengeHandler = dispatcher;
        ClientSocket socket;
        const ConnectOutcome outcome = connectTo(socket, QUrl(QStringLiteral("ws://127.0.0.1:%1/lab").arg(server.server.serverPort())),
                                                 options);
        QVERIFY2(outcome.isConnected(), qPrintable(outcome.message));
        QCOMPARE(hmac->calls, 1);
        QVERIFY(basic.asked.isEmpty());
        QCOMPARE(server.authorizations.size(), 2);
        QVERIFY(server.authorizations.first().isEmpty());
        QVERIFY(server.authorizations.last().startsWith("X-Hmac "));
        // The dispatcher also routes Basic to the other handler.
        QCOMPARE(dispatcher->handlerFor(Challenge::parse("Basic realm=\"x\"").first()) != nullptr, true);
        QCOMPARE(dispatcher->handlerFor(Challenge::parse("X-Hmac realm=\"elsewhere\"").first()), nullptr);
    }

    void unreachableAndInvalid()
    {
        ClientSocket socket;
        const ConnectOutcome closed = connectTo(socket, QUrl(QStringLiteral("ws://127.0.0.1:%1/x").arg(Testing::freePort())),
                                                ConnectOptions());
        QCOMPARE(closed.kind, ConnectOutcome::Kind::Unreachable);
        QVERIFY2(closed.message.contains(u"cannot connect"), qPrintable(closed.message));
        const ConnectOutcome invalid = connectTo(socket, QUrl(QStringLiteral("http://localhost/")), ConnectOptions());
        QCOMPARE(invalid.kind, ConnectOutcome::Kind::InvalidUrl);
    }

    void tokenQueryParameterArrivesUnchanged()
    {
        // '+' (a space to servers), '%41' (not an escape here), '&', '=' and '/' are all the token's.
        const QByteArray token = "ab+c/d=e&f%41g h";
        CaptureServer server("Application Token realm=\"lab\", parameter=\"access_token\"");
        auto handler = std::make_shared<TokenChallengeHandler>(
            [&](const Challenge &, TokenChallengeHandler::TokenReply reply) { reply(token); }, TokenCarrier::advertised());
        ConnectOptions options;
        options.challengeHandler = handler;
        ClientSocket socket;
        const ConnectOutcome outcome = connectTo(socket, server.url(QStringLiteral("/lab?x=a%2Bb&y=%C3%A9")), options);
        QVERIFY2(outcome.isConnected(), qPrintable(outcome.message));
        QCOMPARE(server.heads.size(), 2);
        // Read back with the gateway's own request parser, as the token login module gets it.
        const auto request = Frontdoor::HttpRequestParser::parse(server.heads.last());
        QVERIFY(request);
        QCOMPARE(request->queryParameter("access_token"), token);
        QCOMPARE(request->queryParameter("x"), QByteArray("a+b")); // the URL's own query, as it was
        QCOMPARE(request->queryParameter("y"), QByteArray("\xc3\xa9"));
        QCOMPARE(request->target.count("access_token="), 1);
    }

    void unsafeValuesAreNotSent_data()
    {
        QTest::addColumn<int>("place");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<int>("heads"); // requests the server gets: the first, unanswered one at most
        QTest::newRow("header value with CR LF") << int(Place::Header) << QByteArray("1\r\nInjected: yes") << 0;
        QTest::newRow("Origin with LF") << int(Place::Origin) << QByteArray("https://a.test\nInjected: yes") << 0;
        QTest::newRow("sub-protocol with CR LF") << int(Place::Protocol) << QByteArray("chat\r\nInjected: yes") << 0;
        QTest::newRow("token header with CR LF") << int(Place::TokenHeader) << QByteArray("t\r\nInjected: yes") << 1;
        QTest::newRow("Bearer token with NUL") << int(Place::TokenAuthorization) << QByteArray("t\0Injected: yes", 15) << 1;
        QTest::newRow("token cookie with CR LF") << int(Place::TokenCookie) << QByteArray("t\r\nInjected: yes") << 1;
        QTest::newRow("token cookie with a semicolon") << int(Place::TokenCookie) << QByteArray("t; Injected=yes") << 1;
    }

    void unsafeValuesAreNotSent()
    {
        QFETCH(int, place);
        QFETCH(QByteArray, value);
        QFETCH(int, heads);
        CaptureServer server("Application Token realm=\"lab\"");
        ConnectOptions options;
        switch (Place(place)) {
        case Place::Header: options.headers.append({QByteArray("X-Trace"), value}); break;
        case Place::Origin: options.origin = value; break;
        case Place::Protocol: options.protocols.append(value); break;
        case Place::TokenHeader:
        case Place::TokenAuthorization:
        case Place::TokenCookie: {
            const TokenCarrier carrier = Place(place) == Place::TokenHeader ? TokenCarrier::header("X-Token")
                : Place(place) == Place::TokenCookie                          ? TokenCarrier::cookie("tok")
                                                                              : TokenCarrier::authorization();
            options.challengeHandler = std::make_shared<TokenChallengeHandler>(
                [value](const Challenge &, TokenChallengeHandler::TokenReply reply) { reply(value); }, carrier);
            break;
        }
        }
        ClientSocket socket;
        const ConnectOutcome outcome = connectTo(socket, server.url(QStringLiteral("/lab")), options);
        QCOMPARE(outcome.kind, ConnectOutcome::Kind::InvalidRequest);
        QVERIFY2(outcome.message.contains(u"was not sent"), qPrintable(outcome.message));
        QVERIFY2(!outcome.message.contains(u"Injected"), qPrintable(outcome.message)); // names the field, not its value
        QCOMPARE(ConnectOutcome::kindName(outcome.kind), QStringLiteral("invalid request"));
        QTest::qWait(50); // anything sent would have arrived by now
        QCOMPARE(server.heads.size(), heads);
        for (const QByteArray &head : std::as_const(server.heads))
            QVERIFY(!head.contains("Injected"));
    }

    void noBasicPasswordOverPlainWsAwayFromLoopback()
    {
        QHostAddress external;
        for (const QHostAddress &address : QNetworkInterface::allAddresses()) {
            if (address.protocol() == QAbstractSocket::IPv4Protocol && !address.isLoopback()) {
                external = address;
                break;
            }
        }
        if (external.isNull())
            QSKIP("this machine has no address but loopback");
        CaptureServer server("Application Basic realm=\"lab\"", external);
        QVERIFY(server.server.isListening());
        CredentialScript script;
        script.answers = {Credentials{QStringLiteral("alice"), QStringLiteral("alice-password")},
                          Credentials{QStringLiteral("alice"), QStringLiteral("alice-password")}};
        ConnectOptions options;
        options.challengeHandler = script.handler();
        ClientSocket socket;
        const ConnectOutcome refused = connectTo(socket, server.url(QStringLiteral("/lab")), options);
        QCOMPARE(refused.kind, ConnectOutcome::Kind::GaveUp);
        QCOMPARE(refused.status, 401);
        QVERIFY2(refused.message.contains(u"unencrypted") && refused.message.contains(u"allowCleartextCredentials"),
                 qPrintable(refused.message));
        QVERIFY(script.asked.isEmpty()); // nobody is asked for a password that would not be sent safely
        QCOMPARE(server.heads.size(), 1);
        // The application may take the risk, explicitly.
        options.allowCleartextCredentials = true;
        const ConnectOutcome allowed = connectTo(socket, server.url(QStringLiteral("/lab")), options);
        QVERIFY2(allowed.isConnected(), qPrintable(allowed.message));
        QCOMPARE(script.asked.size(), 1);
        QVERIFY(server.heads.last().contains("\r\nAuthorization: Application Basic "));
        socket.abort();
        // Loopback never leaves the machine: answered without the flag.
        CaptureServer local("Basic realm=\"lab\"");
        ConnectOptions plain;
        plain.challengeHandler = script.handler();
        QVERIFY2(connectTo(socket, local.url(QStringLiteral("/lab")), plain).isConnected(), qPrintable(socket.outcome().message));
        QCOMPARE(script.asked.size(), 2);
    }

    void credentialsAreWiped()
    {
        ChallengeResponse response;
        response.authorization = "Basic c2VjcmV0";
        response.cookies.append({QByteArray("c"), QByteArray("secret")});
        response.queryItems.append({QStringLiteral("access_token"), QStringLiteral("secret")});
        response.wipe();
        QVERIFY(response.isEmpty());
        Credentials credentials{QStringLiteral("alice"), QStringLiteral("secret")};
        credentials.wipe();
        QVERIFY(credentials.password.isEmpty() && credentials.user.isEmpty());
        QCOMPARE(BasicChallengeHandler::authorization(QStringLiteral("Basic"), {QStringLiteral("Aladdin"), QStringLiteral("open sesame")}),
                 QByteArray("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")); // RFC 7617's example
    }
};

QTEST_GUILESS_MAIN(TestClient)
#include "tst_client.moc"
