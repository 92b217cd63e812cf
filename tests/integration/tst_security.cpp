// The security model end to end, on an in-process gateway: each challenge scheme, tokens
// from every place a realm reads them, the JWT refusals, single sign-on between the services
// of a realm (and not beyond it), the client certificate as a login, session-timeout from
// the first login, throttled token guessing, and a log that never holds a secret.

#include "app/gateway.h"
#include "auth/passwordhasher.h"
#include "config/configloader.h"
#include "sessions/sessionregistry.h"
#include "sessions/websocketsession.h"
#include "tls/certificatefactory.h"
#include "rawclient.h"
#include "testjwt.h"
#include "testpki.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSslKey>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QtTest>

#include <optional>

using namespace Postern;
using Testing::RawClient;
using Testing::TestJwt;
using Testing::TestPki;
using Testing::kUpgrade;

namespace {

const QByteArray kSecret = QByteArrayLiteral("integration-test-hs256-secret-0123456789");
const QByteArray kAlicePassword = QByteArrayLiteral("alice-secret-pw");

// Everything logged while the test runs, to check no secret ever reaches the log.
QStringList g_log;
QtMessageHandler g_previousHandler = nullptr;

void captureMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    g_log.append(message);
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

QByteArray basic(const QByteArray &user, const QByteArray &password)
{
    return "Basic " + QByteArray(user + ':' + password).toBase64();
}

// The value of the first cookie in a Set-Cookie header.
QByteArray cookieValue(const QByteArray &setCookie)
{
    const QByteArray pair = setCookie.left(setCookie.indexOf(';'));
    return pair.mid(pair.indexOf('=') + 1);
}

QByteArray cookieName(const QByteArray &setCookie)
{
    return setCookie.left(setCookie.indexOf('='));
}

} // namespace

class TestSecurity : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    TestPki m_pki;
    Tls::SharedKey m_esKey;
    quint16 m_http = 0;
    quint16 m_tls = 0;
    App::Gateway *m_gateway = nullptr;
    QList<QByteArray> m_secrets; // every credential the test sent: none may be logged

    void writeFile(const QString &name, const QByteArray &data)
    {
        QFile file(m_dir.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(data);
        file.close();
        QVERIFY(file.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
    }

    QJsonObject claims(qint64 expiresIn = 300, const QString &user = QStringLiteral("tina")) const
    {
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        return {{QStringLiteral("sub"), user},
                {QStringLiteral("iss"), QStringLiteral("https://idp.test")},
                {QStringLiteral("aud"), QStringLiteral("postern")},
                {QStringLiteral("iat"), double(now)},
                {QStringLiteral("exp"), double(now + expiresIn)},
                {QStringLiteral("groups"), QJsonArray{QStringLiteral("readers")}}};
    }

    QByteArray token(const QJsonObject &claims)
    {
        QByteArray jwt = TestJwt::hs256(claims, kSecret);
        m_secrets.append(jwt);
        return jwt;
    }

    // A WebSocket handshake for `path` on the plain port with `headers`; the whole response.
    RawClient *handshake(const QByteArray &target, const QByteArray &headers = {})
    {
        auto *client = new RawClient(m_http);
        if (!client->exchange(Testing::request("GET", target, kUpgrade + "Sec-WebSocket-Version: 13\r\n" + headers)))
            qWarning() << "no answer to the handshake for" << target;
        return client;
    }

    int handshakeStatus(const QByteArray &target, const QByteArray &headers = {})
    {
        std::unique_ptr<RawClient> client(handshake(target, headers));
        return client->status();
    }

    // The same over TLS, optionally with a client certificate: the response head.
    QByteArray tlsHandshake(const QByteArray &target, const std::optional<Tls::KeystoreEntry> &certificate,
                            const QByteArray &headers = {})
    {
        QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
        configuration.setCaCertificates({m_pki.caCertificate()});
        return Testing::tlsExchange(m_tls, Testing::request("GET", target, kUpgrade + "Sec-WebSocket-Version: 13\r\n" + headers),
                                    certificate, configuration);
    }

    // The login of the first session opened after `lastId`, once the gateway has registered it.
    const Frontdoor::ConnectionInfo *sessionAfter(quint64 lastId)
    {
        const Sessions::WebSocketSession *found = nullptr;
        static_cast<void>(QTest::qWaitFor([&] {
            for (const auto *session : m_gateway->sessions()->sessions())
                if (session->id() > lastId && (!found || session->id() < found->id()))
                    found = session;
            return found != nullptr;
        }, 5000));
        return found ? &found->connection() : nullptr;
    }

    quint64 lastSessionId() const { return m_gateway->sessions()->totalOpened(); }

private Q_SLOTS:
    void initTestCase()
    {
        g_previousHandler = qInstallMessageHandler(captureMessage);
        QVERIFY(m_dir.isValid());
        m_http = Testing::freePort();
        m_tls = Testing::freePort();
        const auto hash = Auth::PasswordHasher::hash(kAlicePassword);
        QVERIFY(hash);
        m_secrets << kAlicePassword << basic("alice", kAlicePassword).mid(6);
        writeFile(QStringLiteral("users.xml"),
                  "<jaas-config>\n"
                  "  <user><name>alice</name><password>" + *hash + "</password><role-name>AUTHORIZED</role-name></user>\n"
                  "  <user><name>guest</name><password>" + *Auth::PasswordHasher::hash("guest-pw")
                      + "</password><role-name>GUEST</role-name></user>\n"
                  "</jaas-config>\n");
        writeFile(QStringLiteral("jwt.secret"), kSecret + '\n');
        Tls::KeySpec spec;
        spec.type = Tls::KeySpec::Type::EcP256;
        m_esKey = *Tls::CertificateFactory::generateKey(spec);
        writeFile(QStringLiteral("es256.pem"), TestJwt::publicKeyPem(m_esKey.get()));

        Tls::Keystore truststore;
        truststore.insert(Tls::KeystoreEntry(QStringLiteral("clients-ca"), nullptr, {m_pki.caCertificateHandle()}));
        QVERIFY(truststore.save(m_dir.filePath(QStringLiteral("truststore.p12")), "trust-pw"));
        writeFile(QStringLiteral("truststore.pw"), "trust-pw\n");
        TestPki::writeKeystore(m_dir.path(), {m_pki.serverEntry(QStringLiteral("localhost"), {QStringLiteral("localhost")}),
                                              m_pki.serverEntry(QStringLiteral("issuer"), {QStringLiteral("issuer.test")})});

        const QByteArray http = QByteArray::number(m_http);
        const QByteArray tls = QByteArray::number(m_tls);
        // Every TLS accept shares the one TLS port, and so its ssl.verify-client.
        const auto echo = [&](const QByteArray &name, const QByteArray &realm, const QByteArray &roles = {},
                              bool overTls = false) -> QByteArray {
            QByteArray service = "<service><name>" + name + "</name>";
            if (overTls)
                service += "<accept>wss://localhost:" + tls + "/" + name + "</accept><type>echo</type>"
                           "<accept-options><ssl.verify-client>optional</ssl.verify-client></accept-options>";
            else
                service += "<accept>ws://localhost:" + http + "/" + name + "</accept><type>echo</type>";
            service += "<realm-name>" + realm + "</realm-name>";
            if (!roles.isEmpty())
                service += "<authorization-constraint><require-role>" + roles + "</require-role></authorization-constraint>";
            return service + "</service>\n";
        };
        const auto realm = [](const QByteArray &name, const QByteArray &scheme, const QByteArray &authentication,
                              const QByteArray &modules) -> QByteArray {
            return "<realm><name>" + name + "</name><authentication><http-challenge-scheme>" + scheme
                + "</http-challenge-scheme>" + authentication + "<login-modules>" + modules
                + "</login-modules></authentication></realm>\n";
        };
        const QByteArray fileModule = "<login-module><type>file</type><options><file>users.xml</file></options></login-module>";
        const QByteArray xml = "<gateway-config>\n"
            + echo("sso-a", "sso", "AUTHORIZED") + echo("sso-b", "sso") + echo("sso-tls", "sso", {}, true) + echo("timed", "timed")
            + echo("elsewhere", "other") + echo("tokens", "tokens", "readers") + echo("es", "es") + echo("alias", "alias")
            + echo("guarded", "guarded") + echo("sso-tokens", "tokensso")
            + echo("devices", "certificates", "DEVICE", true)
            + "<service><name>login</name><accept>http://localhost:" + http + "/login</accept><type>login</type>"
              "<realm-name>sso</realm-name></service>\n"
            + "<service><name>token-login</name><accept>http://localhost:" + http + "/token-login</accept><type>login</type>"
              "<realm-name>tokensso</realm-name></service>\n"
            + "<security>"
              "<keystore><file>keystore.p12</file><password-file>keystore.pw</password-file></keystore>"
              "<truststore><file>truststore.p12</file><password-file>truststore.pw</password-file></truststore>\n"
            + realm("sso", "Basic", "<authorization-mode>recycle</authorization-mode>", fileModule)
            + realm("timed", "Basic", "<session-timeout>3s</session-timeout><authorization-mode>recycle</authorization-mode>",
                    fileModule)
            + realm("other", "Application Basic", "<authorization-mode>recycle</authorization-mode>", fileModule)
            + realm("tokens", "Application Token",
                    "<http-header>X-Token</http-header><http-query-parameter>access_token</http-query-parameter>"
                    "<http-cookie>token</http-cookie><login-throttle><maximum-failures>100</maximum-failures></login-throttle>",
                    "<login-module><type>token</type><options><algorithm>HS256</algorithm><key-file>jwt.secret</key-file>"
                    "<issuer>https://idp.test</issuer><audience>postern</audience><roles-claim>groups</roles-claim>"
                    "</options></login-module>")
            + realm("guarded", "Application Token", "<login-throttle><maximum-failures>3</maximum-failures></login-throttle>",
                    "<login-module><type>token</type><options><algorithm>HS256</algorithm><key-file>jwt.secret</key-file>"
                    "</options></login-module>")
            // Tokens in a URL or a cookie, and single sign-on: what a login CSRF by link needs.
            + realm("tokensso", "Application Token",
                    "<http-query-parameter>access_token</http-query-parameter><http-cookie>token</http-cookie>"
                    "<authorization-mode>recycle</authorization-mode>",
                    "<login-module><type>token</type><options><algorithm>HS256</algorithm><key-file>jwt.secret</key-file>"
                    "</options></login-module>")
            + realm("es", "Application Token", {},
                    "<login-module><type>token</type><options><algorithm>ES256</algorithm><key-file>es256.pem</key-file>"
                    "</options></login-module>")
            + realm("alias", "Application Token", {},
                    "<login-module><type>token</type><options><algorithm>ES256</algorithm><key-alias>issuer</key-alias>"
                    "</options></login-module>")
            + realm("certificates", "Application Basic", {},
                    "<login-module><type>client-certificate</type><options><role-name>DEVICE</role-name></options>"
                    "</login-module>")
            + "</security></gateway-config>\n";
        writeFile(QStringLiteral("gateway-config.xml"), xml);
        const auto config = Config::ConfigLoader::loadFile(m_dir.filePath(QStringLiteral("gateway-config.xml")));
        QVERIFY2(config, config ? "" : qPrintable(config.error().first().toString()));
        m_gateway = new App::Gateway(this);
        const auto applied = m_gateway->apply(*config);
        QVERIFY2(applied, applied ? "" : qPrintable(applied.error().join(u'\n')));
    }

    void cleanupTestCase()
    {
        qInstallMessageHandler(g_previousHandler);
        QVERIFY(!g_log.isEmpty());
        for (const QString &line : std::as_const(g_log))
            for (const QByteArray &secret : std::as_const(m_secrets))
                QVERIFY2(!line.contains(QString::fromLatin1(secret)), qPrintable(QStringLiteral("a secret was logged: ") + line));
    }

    void challengeSchemes_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QByteArray>("challenge");
        QTest::newRow("Basic") << QByteArray("/sso-a") << QByteArray("Basic realm=\"sso\"");
        QTest::newRow("Application Basic") << QByteArray("/elsewhere") << QByteArray("Application Basic realm=\"other\"");
        // The other places the realm reads a token from are named for the client.
        QTest::newRow("Application Token") << QByteArray("/tokens")
                                           << QByteArray("Application Token realm=\"tokens\", header=\"X-Token\", "
                                                         "parameter=\"access_token\", cookie=\"token\"");
        // A realm that reads tokens only from Authorization names no other place.
        QTest::newRow("Application Token, Authorization only") << QByteArray("/guarded")
                                                                << QByteArray("Application Token realm=\"guarded\"");
    }

    void challengeSchemes()
    {
        QFETCH(QByteArray, target);
        QFETCH(QByteArray, challenge);
        std::unique_ptr<RawClient> client(handshake(target));
        QVERIFY(client->received.startsWith("HTTP/1.1 401 Unauthorized\r\n"));
        QCOMPARE(client->headerValue("WWW-Authenticate"), challenge);
        QVERIFY(client->headerValues("Set-Cookie").isEmpty());
    }

    void basicLogins_data()
    {
        QTest::addColumn<QByteArray>("authorization");
        QTest::addColumn<int>("status");
        QTest::newRow("right password") << basic("alice", kAlicePassword) << 101;
        QTest::newRow("as Application Basic") << "Application " + basic("alice", kAlicePassword) << 101;
        QTest::newRow("wrong password") << basic("alice", "nope") << 401;
        QTest::newRow("unknown user") << basic("mallory", "nope") << 401;
        QTest::newRow("user without the role") << basic("guest", "guest-pw") << 403;
        QTest::newRow("not base64") << QByteArray("Basic %%%") << 401;
    }

    void basicLogins()
    {
        QFETCH(QByteArray, authorization);
        QFETCH(int, status);
        QCOMPARE(handshakeStatus("/sso-a", "Authorization: " + authorization + "\r\n"), status);
    }

    void tokenSources_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QByteArray>("headers"); // @T@ is the token
        QTest::newRow("Authorization: Bearer") << QByteArray("/tokens") << QByteArray("Authorization: Bearer @T@\r\n");
        QTest::newRow("Authorization: Application Token")
            << QByteArray("/tokens") << QByteArray("Authorization: Application Token @T@\r\n");
        QTest::newRow("http-header") << QByteArray("/tokens") << QByteArray("X-Token: @T@\r\n");
        QTest::newRow("http-query-parameter") << QByteArray("/tokens?x=1&access_token=@T@") << QByteArray();
        QTest::newRow("http-cookie") << QByteArray("/tokens") << QByteArray("Cookie: a=b; token=@T@; c=d\r\n");
    }

    void tokenSources()
    {
        QFETCH(QByteArray, target);
        QFETCH(QByteArray, headers);
        const QByteArray jwt = token(claims());
        const quint64 before = lastSessionId();
        std::unique_ptr<RawClient> client(handshake(QByteArray(target).replace("@T@", jwt), QByteArray(headers).replace("@T@", jwt)));
        QCOMPARE(client->status(), 101);
        const Frontdoor::ConnectionInfo *session = sessionAfter(before);
        QVERIFY(session);
        QCOMPARE(session->user, QStringLiteral("tina"));
        QCOMPARE(session->roles, QStringList{QStringLiteral("readers")});
    }

    void tokenRefusals_data()
    {
        QTest::addColumn<QByteArray>("jwt");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("logged"); // the reason the log line gives
        QTest::newRow("expired") << token(claims(-120)) << 401 << "token expired";
        QJsonObject early = claims();
        early.insert(QStringLiteral("nbf"), double(QDateTime::currentSecsSinceEpoch() + 600));
        QTest::newRow("not yet valid") << token(early) << 401 << "token not valid before";
        QJsonObject issuer = claims();
        issuer.insert(QStringLiteral("iss"), QStringLiteral("https://evil.test"));
        QTest::newRow("wrong issuer") << token(issuer) << 401 << "token issuer 'https://evil.test'";
        QJsonObject audience = claims();
        audience.insert(QStringLiteral("aud"), QStringLiteral("someone-else"));
        QTest::newRow("wrong audience") << token(audience) << 401 << "token audience does not include 'postern'";
        QByteArray tampered = token(claims());
        tampered[tampered.lastIndexOf('.') + 3] = tampered[tampered.lastIndexOf('.') + 3] == 'A' ? 'B' : 'A';
        QTest::newRow("bad signature") << tampered << 401 << "bad token signature";
        const QByteArray none = TestJwt::unsigned_(claims());
        m_secrets.append(none);
        QTest::newRow("alg none") << none << 401 << "unsigned token (alg none) refused";
        const QByteArray wrongKey = TestJwt::hs256(claims(), QByteArray(40, 'w'));
        m_secrets.append(wrongKey);
        QTest::newRow("wrong key") << wrongKey << 401 << "bad token signature";
        QJsonObject noRole = claims();
        noRole.insert(QStringLiteral("groups"), QJsonArray{QStringLiteral("writers")});
        QTest::newRow("valid, without the role") << token(noRole) << 403 << "has none of the roles readers";
    }

    void tokenRefusals()
    {
        QFETCH(QByteArray, jwt);
        QFETCH(int, status);
        QFETCH(QString, logged);
        const qsizetype logSize = g_log.size();
        std::unique_ptr<RawClient> client(handshake("/tokens", "Authorization: Bearer " + jwt + "\r\n"));
        QCOMPARE(client->status(), status);
        if (status == 401)
            QCOMPARE(client->headerValue("WWW-Authenticate"),
                     QByteArray("Application Token realm=\"tokens\", header=\"X-Token\", parameter=\"access_token\", "
                                "cookie=\"token\""));
        const QStringList lines = g_log.mid(logSize);
        QVERIFY2(std::any_of(lines.cbegin(), lines.cend(), [&](const QString &line) {
                     return line.contains(logged) && line.contains(u"service=tokens realm=tokens") && line.contains(u"127.0.0.1");
                 }),
                 qPrintable(lines.join(u'\n')));
    }

    void publicKeyTokens()
    {
        QJsonObject c = claims();
        c.remove(QStringLiteral("iss"));
        const QByteArray es = TestJwt::es256(c, m_esKey.get());
        m_secrets.append(es);
        QCOMPARE(handshakeStatus("/es", "Authorization: Bearer " + es + "\r\n"), 101);
        // The "alias" realm trusts another key: the same token is refused there.
        QCOMPARE(handshakeStatus("/alias", "Authorization: Bearer " + es + "\r\n"), 401);
    }

    void keyAliasTokens()
    {
        // The keystore's "issuer" entry was made by m_pki with its own key: sign with that key.
        const auto keystore = Tls::Keystore::load(m_dir.filePath(QStringLiteral("keystore.p12")),
                                                  *Tls::Keystore::readPasswordFile(m_dir.filePath(QStringLiteral("keystore.pw"))));
        QVERIFY(keystore);
        const Tls::KeystoreEntry *issuer = keystore->find(QStringLiteral("issuer"));
        QVERIFY(issuer);
        const QByteArray jwt = TestJwt::es256(claims(), issuer->sharedKey().get());
        m_secrets.append(jwt);
        QCOMPARE(handshakeStatus("/alias", "Authorization: Bearer " + jwt + "\r\n"), 101);
    }

    void singleSignOnWithinTheRealm()
    {
        // Log in once to sso-a ...
        std::unique_ptr<RawClient> first(handshake("/sso-a", "Authorization: " + basic("alice", kAlicePassword) + "\r\n"));
        QCOMPARE(first->status(), 101);
        const QList<QByteArray> setCookies = first->headerValues("Set-Cookie");
        QCOMPARE(setCookies.size(), 1);
        const QByteArray setCookie = setCookies.first();
        QCOMPARE(cookieName(setCookie), QByteArray("postern-sso-sso"));
        QVERIFY2(setCookie.contains("; HttpOnly") && setCookie.contains("; SameSite=Strict") && setCookie.contains("; Path=/"),
                 setCookie.constData());
        QVERIFY(!setCookie.contains("Secure")); // set over plain ws
        const QByteArray cookie = "Cookie: postern-sso-sso=" + cookieValue(setCookie) + "\r\n";
        m_secrets.append(cookieValue(setCookie));

        // ... and the other service of the realm takes the cookie alone, issuing no new one.
        const quint64 before = lastSessionId();
        std::unique_ptr<RawClient> second(handshake("/sso-b", cookie));
        QCOMPARE(second->status(), 101);
        QVERIFY(second->headerValues("Set-Cookie").isEmpty());
        const Frontdoor::ConnectionInfo *session = sessionAfter(before);
        QVERIFY(session);
        QCOMPARE(session->user, QStringLiteral("alice"));
        QCOMPARE(session->roles, QStringList{QStringLiteral("AUTHORIZED")});

        // Another realm's service does not, even with the same users file.
        std::unique_ptr<RawClient> other(handshake("/elsewhere", cookie));
        QCOMPARE(other->status(), 401);
        // Nor does a forged one.
        QByteArray forged = cookie;
        forged.insert(forged.size() - 4, "x");
        QCOMPARE(handshakeStatus("/sso-b", forged), 401);
    }

    void credentialsWinOverTheCookie()
    {
        std::unique_ptr<RawClient> first(handshake("/sso-b", "Authorization: " + basic("alice", kAlicePassword) + "\r\n"));
        QCOMPARE(first->status(), 101);
        const QByteArray value = cookieValue(first->headerValues("Set-Cookie").value(0));
        QVERIFY(!value.isEmpty());
        m_secrets.append(value);
        const QByteArray cookie = "Cookie: postern-sso-sso=" + value + "\r\n";
        // Another user's credentials log that user in, with a cookie of their own ...
        const quint64 before = lastSessionId();
        std::unique_ptr<RawClient> other(handshake("/sso-b", cookie + "Authorization: " + basic("guest", "guest-pw") + "\r\n"));
        QCOMPARE(other->status(), 101);
        const Frontdoor::ConnectionInfo *session = sessionAfter(before);
        QVERIFY(session);
        QCOMPARE(session->user, QStringLiteral("guest"));
        QCOMPARE(other->headerValues("Set-Cookie").size(), 1);
        m_secrets.append(cookieValue(other->headerValues("Set-Cookie").value(0)));
        // ... and a wrong password is a failed login, whatever cookie comes with it.
        QCOMPARE(handshakeStatus("/sso-b", cookie + "Authorization: " + basic("alice", "guessing") + "\r\n"), 401);
    }

    void aRefusalCarriesNoCookie()
    {
        // guest logs in to a service whose role guest lacks: 403, and no cookie that would
        // log the browser in elsewhere.
        std::unique_ptr<RawClient> refused(handshake("/sso-a", "Authorization: " + basic("guest", "guest-pw") + "\r\n"));
        QCOMPARE(refused->status(), 403);
        QVERIFY(refused->headerValues("Set-Cookie").isEmpty());
    }

    void singleSignOnCookieIsSecureOverTls()
    {
        const QByteArray head =  tlsHandshake("/sso-tls", std::nullopt, "Authorization: " + basic("alice", kAlicePassword) + "\r\n");
        QVERIFY2(head.startsWith("HTTP/1.1 101"), head.constData());
        const qsizetype at = head.indexOf("Set-Cookie: ");
        QVERIFY(at > 0);
        const QByteArray line = head.mid(at, head.indexOf("\r\n", at) - at);
        QVERIFY2(line.endsWith("; Secure"), line.constData());
        m_secrets.append(cookieValue(line.mid(12)));
    }

    void singleSignOnKeepsTheFirstLoginTime()
    {
        // Realm "timed" has a session-timeout of 3 s: a session opened with the cookie 2 s
        // after the login has about 1 s left, not 3.
        std::unique_ptr<RawClient> login(handshake("/timed", "Authorization: " + basic("alice", kAlicePassword) + "\r\n"));
        QCOMPARE(login->status(), 101);
        const QDateTime loggedIn = QDateTime::currentDateTimeUtc();
        const QByteArray value = cookieValue(login->headerValues("Set-Cookie").value(0));
        QVERIFY(!value.isEmpty());
        m_secrets.append(value);
        QVERIFY(login->headerValues("Set-Cookie").value(0).contains("Max-Age=3;")); // never longer than the timeout
        QTest::qWait(2000);
        const quint64 before = lastSessionId();
        std::unique_ptr<RawClient> later(handshake("/timed", "Cookie: postern-sso-timed=" + value + "\r\n"));
        QCOMPARE(later->status(), 101);
        const Frontdoor::ConnectionInfo *session = sessionAfter(before);
        QVERIFY(session);
        QVERIFY(qAbs(session->loginTime.secsTo(loggedIn)) <= 1);
        QVERIFY(QTest::qWaitFor([&] { return later->closed || later->received.size() > 150; }, 3000));
        // The close frame: 0x88, length, then 1008.
        const QByteArray frames = later->received.mid(later->received.indexOf("\r\n\r\n") + 4);
        QVERIFY2(frames.startsWith("\x88") && frames.mid(2, 2) == QByteArray("\x03\xf0", 2), frames.toHex().constData());
        QVERIFY(QDateTime::currentDateTimeUtc() < loggedIn.addMSecs(3900));
        // Once expired, the cookie is no login at all.
        QTest::qWait(1200);
        QCOMPARE(handshakeStatus("/timed", "Cookie: postern-sso-timed=" + value + "\r\n"), 401);
    }

    void clientCertificateIsALogin()
    {
        const Tls::KeystoreEntry device = m_pki.serverEntry(QStringLiteral("sensor-7"), {QStringLiteral("sensor-7.test")});
        const quint64 before = lastSessionId();
        const QByteArray head = tlsHandshake("/devices", device);
        QVERIFY2(head.startsWith("HTTP/1.1 101"), head.constData());
        const Frontdoor::ConnectionInfo *session = sessionAfter(before);
        QVERIFY(session);
        // The user is the certificate's common name (the test CA writes the first DNS name there).
        QCOMPARE(session->user, QStringLiteral("sensor-7.test"));
        QCOMPARE(session->roles, QStringList{QStringLiteral("DEVICE")});
        QVERIFY2(session->clientCertificateSubject.contains(u"CN=sensor-7.test"), qPrintable(session->clientCertificateSubject));
        // Without a certificate (optional on this port) there is no login: 401.
        QVERIFY(tlsHandshake("/devices", std::nullopt).startsWith("HTTP/1.1 401"));
    }

    // The login service: a browser page's way to the single sign-on cookie.
    QByteArray sameOrigin() const { return "Origin: http://localhost:" + QByteArray::number(m_http) + "\r\n"; }

    std::unique_ptr<RawClient> loginRequest(const QByteArray &method, const QByteArray &headers)
    {
        auto client = std::make_unique<RawClient>(m_http);
        if (!client->exchange(Testing::request(method, "/login", headers)))
            qWarning() << "no answer from the login service";
        return client;
    }

    void loginServiceGivesTheCookie()
    {
        const QByteArray marker = "Postern-Login: 1\r\n";
        auto wrong = loginRequest("POST", sameOrigin() + marker + "Authorization: " + basic("alice", "wrong") + "\r\n");
        QCOMPARE(wrong->status(), 401);
        QCOMPARE(wrong->headerValue("WWW-Authenticate"), QByteArray("Basic realm=\"sso\""));
        QVERIFY(wrong->headerValues("Set-Cookie").isEmpty());

        auto right = loginRequest("POST", sameOrigin() + marker + "Authorization: " + basic("alice", kAlicePassword) + "\r\n");
        QCOMPARE(right->status(), 200);
        QCOMPARE(right->headerValue("Cache-Control"), QByteArray("no-store"));
        const QJsonObject who = QJsonDocument::fromJson(right->body()).object();
        QCOMPARE(who.value(u"user").toString(), QStringLiteral("alice"));
        QCOMPARE(who.value(u"realm").toString(), QStringLiteral("sso"));
        QCOMPARE(who.value(u"roles").toArray().first().toString(), QStringLiteral("AUTHORIZED"));
        QVERIFY(QDateTime::fromString(who.value(u"expires").toString(), Qt::ISODateWithMs) > QDateTime::currentDateTimeUtc());
        const QByteArray setCookie = right->headerValue("Set-Cookie");
        QCOMPARE(cookieName(setCookie), QByteArray("postern-sso-sso"));
        m_secrets.append(cookieValue(setCookie));
        const QByteArray cookie = "Cookie: postern-sso-sso=" + cookieValue(setCookie) + "\r\n";

        // The cookie is the login for the realm's WebSocket services, and says who is in.
        QCOMPARE(handshakeStatus("/sso-b", cookie), 101);
        auto whoami = loginRequest("GET", cookie);
        QCOMPARE(whoami->status(), 200);
        QCOMPARE(QJsonDocument::fromJson(whoami->body()).object().value(u"user").toString(), QStringLiteral("alice"));
        QVERIFY(whoami->headerValues("Set-Cookie").isEmpty());
        QCOMPARE(loginRequest("GET", {})->status(), 401);

        // Logging out makes the browser forget it.
        auto out = loginRequest("DELETE", sameOrigin() + marker + cookie);
        QCOMPARE(out->status(), 200);
        QVERIFY2(out->headerValue("Set-Cookie").startsWith("postern-sso-sso=; Path=/; Max-Age=0; HttpOnly"),
                 out->headerValue("Set-Cookie").constData());
    }

    void loginServiceRefusesForgedRequests()
    {
        const QByteArray marker = "Postern-Login: 1\r\n";
        const QByteArray credentials = "Authorization: " + basic("alice", kAlicePassword) + "\r\n";
        // A form cannot set the header: refused before any login (no cookie, no counted failure).
        auto form = loginRequest("POST", sameOrigin() + credentials);
        QCOMPARE(form->status(), 403);
        QVERIFY(form->headerValues("Set-Cookie").isEmpty());
        QVERIFY(form->body().contains("must carry the header Postern-Login"));
        // Another site's page may not log a visitor in or out.
        auto elsewhere = loginRequest("POST", "Origin: https://evil.test\r\n" + marker + credentials);
        QCOMPARE(elsewhere->status(), 403);
        QVERIFY(elsewhere->headerValues("Set-Cookie").isEmpty());
        QCOMPARE(loginRequest("DELETE", "Origin: https://evil.test\r\n" + marker)->status(), 403);
        QCOMPARE(loginRequest("DELETE", sameOrigin())->status(), 403);
        auto put = loginRequest("PUT", sameOrigin() + marker + credentials);
        QCOMPARE(put->status(), 405);
        QCOMPARE(put->headerValue("Allow"), QByteArray("GET, HEAD, POST, DELETE"));
    }

    void loginServiceTakesNoCredentialsOnGet_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("target");  // @T@ is a valid token
        QTest::addColumn<QByteArray>("headers");
        // <a href="…/token-login?access_token=<the attacker's token>"> must not log a visitor in
        // as the attacker (login CSRF): a GET only reads the single sign-on cookie.
        QTest::newRow("token in the URL") << QByteArray("GET") << QByteArray("/token-login?access_token=@T@") << QByteArray();
        QTest::newRow("HEAD, token in the URL") << QByteArray("HEAD") << QByteArray("/token-login?access_token=@T@")
                                                << QByteArray("Connection: close\r\n");
        QTest::newRow("token cookie") << QByteArray("GET") << QByteArray("/token-login") << QByteArray("Cookie: token=@T@\r\n");
        QTest::newRow("Bearer") << QByteArray("GET") << QByteArray("/token-login") << QByteArray("Authorization: Bearer @T@\r\n");
        QTest::newRow("Basic") << QByteArray("GET") << QByteArray("/login")
                               << "Authorization: " + basic("alice", kAlicePassword) + "\r\n";
    }

    void loginServiceTakesNoCredentialsOnGet()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, target);
        QFETCH(QByteArray, headers);
        const QByteArray jwt = token(claims());
        RawClient client(m_http);
        // HEAD has a Content-Length and no body: the answer is complete when the server closes.
        const bool whole = client.exchange(Testing::request(method, QByteArray(target).replace("@T@", jwt),
                                                            QByteArray(headers).replace("@T@", jwt)));
        QVERIFY(whole || method == "HEAD");
        QCOMPARE(client.status(), 403);
        QVERIFY(client.headerValues("Set-Cookie").isEmpty());
        if (method == "GET")
            QVERIFY2(client.body().contains("only reads the single sign-on cookie"), client.body().constData());
    }

    void loginServiceTokenLoginIsAPost()
    {
        // The same token by POST, from the service's own page, is a login ...
        const QByteArray jwt = token(claims());
        auto login = std::make_unique<RawClient>(m_http);
        QVERIFY(login->exchange(Testing::request("POST", "/token-login?access_token=" + jwt,
                                                 sameOrigin() + "Postern-Login: 1\r\n")));
        QCOMPARE(login->status(), 200);
        const QByteArray setCookie = login->headerValue("Set-Cookie");
        QCOMPARE(cookieName(setCookie), QByteArray("postern-sso-tokensso"));
        m_secrets.append(cookieValue(setCookie));
        // ... and a GET with the cookie alone says who is logged in.
        RawClient whoami(m_http);
        QVERIFY(whoami.exchange(Testing::request("GET", "/token-login",
                                                 "Cookie: postern-sso-tokensso=" + cookieValue(setCookie) + "\r\n")));
        QCOMPARE(whoami.status(), 200);
        QCOMPARE(QJsonDocument::fromJson(whoami.body()).object().value(u"user").toString(), QStringLiteral("tina"));
        QVERIFY(whoami.headerValues("Set-Cookie").isEmpty());
    }

    void noCookieForALoginStartedByAnotherSite_data()
    {
        QTest::addColumn<QByteArray>("site"); // Sec-Fetch-Site
        QTest::addColumn<bool>("cookie");
        QTest::newRow("cross-site") << QByteArray("cross-site") << false;
        QTest::newRow("same-origin") << QByteArray("same-origin") << true;
        QTest::newRow("typed or bookmarked") << QByteArray("none") << true;
        QTest::newRow("no Sec-Fetch-Site (not a browser)") << QByteArray() << true;
    }

    void noCookieForALoginStartedByAnotherSite()
    {
        QFETCH(QByteArray, site);
        QFETCH(bool, cookie);
        // Another site's page links to (or embeds) a URL with its token: the request is let in,
        // but the visitor's browser is not logged in as the token's user.
        const QByteArray jwt = token(claims());
        std::unique_ptr<RawClient> client(handshake("/sso-tokens?access_token=" + jwt,
                                                    site.isEmpty() ? QByteArray() : "Sec-Fetch-Site: " + site + "\r\n"));
        QCOMPARE(client->status(), 101);
        QCOMPARE(client->headerValues("Set-Cookie").size(), cookie ? 1 : 0);
        if (cookie)
            m_secrets.append(cookieValue(client->headerValue("Set-Cookie")));
    }

    void logoutRevokesTheCookie()
    {
        const QByteArray marker = "Postern-Login: 1\r\n";
        auto in = loginRequest("POST", sameOrigin() + marker + "Authorization: " + basic("alice", kAlicePassword) + "\r\n");
        QCOMPARE(in->status(), 200);
        const QByteArray value = cookieValue(in->headerValue("Set-Cookie"));
        QVERIFY(!value.isEmpty());
        m_secrets.append(value);
        const QByteArray copied = "Cookie: postern-sso-sso=" + value + "\r\n";
        auto again = loginRequest("POST", sameOrigin() + marker + "Authorization: " + basic("alice", kAlicePassword) + "\r\n");
        const QByteArray otherValue = cookieValue(again->headerValue("Set-Cookie")); // another browser of alice's
        m_secrets.append(otherValue);
        QCOMPARE(handshakeStatus("/sso-b", copied), 101);

        auto out = loginRequest("DELETE", sameOrigin() + marker + copied);
        QCOMPARE(out->status(), 200);
        const QJsonObject answer = QJsonDocument::fromJson(out->body()).object();
        QVERIFY(answer.value(u"loggedOut").toBool());
        QVERIFY(answer.value(u"revoked").toBool());
        QVERIFY(out->headerValue("Set-Cookie").startsWith("postern-sso-sso=; Path=/; Max-Age=0"));

        // A copy of the cookie taken before the logout is no login any more, anywhere in the realm.
        const qsizetype logSize = g_log.size();
        QCOMPARE(handshakeStatus("/sso-b", copied), 401);
        QCOMPARE(handshakeStatus("/sso-a", copied), 401);
        QCOMPARE(loginRequest("GET", copied)->status(), 401);
        const QStringList lines = g_log.mid(logSize);
        QVERIFY2(std::any_of(lines.cbegin(), lines.cend(), [](const QString &line) { return line.contains(u"logged out"); }),
                 qPrintable(lines.join(u'\n')));
        // The other login is not ended by it.
        QCOMPARE(handshakeStatus("/sso-b", "Cookie: postern-sso-sso=" + otherValue + "\r\n"), 101);
        // A logout without a cookie (or with one that is no login) still answers, revoking nothing.
        auto empty = loginRequest("DELETE", sameOrigin() + marker);
        QCOMPARE(empty->status(), 200);
        QCOMPARE(QJsonDocument::fromJson(empty->body()).object().value(u"revoked").toBool(), false);
    }

    void throttlingTokens()
    {
        // Realm "guarded" allows 3 failures per address and window: then even a valid token gets 429.
        const QByteArray good = "Authorization: Bearer " + token(claims()) + "\r\n";
        QCOMPARE(handshakeStatus("/guarded", good), 101);
        const QByteArray bad = "Authorization: Bearer " + token(claims(-600)) + "\r\n";
        for (int i = 0; i < 3; ++i)
            QCOMPARE(handshakeStatus("/guarded", bad), 401);
        QCOMPARE(handshakeStatus("/guarded", bad), 429);
        std::unique_ptr<RawClient> client(handshake("/guarded", good));
        QCOMPARE(client->status(), 429);
        QVERIFY(client->headerValue("Retry-After").toInt() > 0);
    }
};

QTEST_GUILESS_MAIN(TestSecurity)
#include "tst_security.moc"
