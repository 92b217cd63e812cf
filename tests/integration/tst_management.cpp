// The management API end to end: an in-process gateway with a management service over
// wss, driven by a console made with the client library (as postern-admin's) as an
// administrator, a read-only user and strangers; other clients are QWebSockets.

#include "app/gateway.h"
#include "auth/passwordhasher.h"
#include "basicchallengehandler.h"
#include "clientsocket.h"
#include "config/configloader.h"
#include "logging.h"
#include "sessions/sessionregistry.h"
#include "tls/certificatefactory.h"
#include "tls/opensslhandles.h"
#include "rawclient.h"
#include "testpki.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSslKey>
#include <QTemporaryDir>
#include <QWebSocket>

#include <QtTest>

#include <openssl/pem.h>

#include <memory>

using namespace Postern;
using Testing::TestPki;

namespace {

Postern::LogRing *g_ring = nullptr;
QtMessageHandler g_previous = nullptr;

void toRing(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (g_ring)
        g_ring->append(type, QString::fromLatin1(context.category ? context.category : "default"), message);
    if (g_previous)
        g_previous(type, context, message);
}

// A management console, as postern-admin makes one: the client library's ClientSocket,
// trusting the test CA and answering the realm's challenge with one user and password. It
// sends requests and waits for their answers, keeping the events that arrive meanwhile.
class Console
{
public:
    Console(const QString &url, const QSslConfiguration &tls, const QByteArray &user, const QByteArray &password)
    {
        QObject::connect(&socket, &Client::ClientSocket::textMessageReceived, [this](const QString &text) {
            const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
            if (message.contains(u"event"))
                events.append(message);
            else
                answers.insert(message.value(u"id").toInt(), message);
        });
        Client::ConnectOptions options;
        options.trust = Client::TrustPolicy::authorities(tls.caCertificates());
        if (!user.isEmpty())
            options.challengeHandler = std::make_shared<Client::BasicChallengeHandler>(
                [user, password](const Client::Challenge &challenge, Client::BasicChallengeHandler::CredentialsReply reply) {
                    if (challenge.attempt > 1)
                        reply(std::nullopt); // refused once: no second guess
                    else
                        reply(Client::Credentials{QString::fromUtf8(user), QString::fromUtf8(password)});
                });
        QSignalSpy connected(&socket, &Client::ClientSocket::connected);
        QSignalSpy failed(&socket, &Client::ClientSocket::connectFailed);
        socket.open(QUrl(url), options);
        opened = QTest::qWaitFor([&] { return !connected.isEmpty() || !failed.isEmpty(); }, 10000) && !connected.isEmpty();
        if (!opened)
            qWarning() << "console not connected:" << socket.outcome().message;
    }

    // The whole answer: {"id", "result"} or {"id", "error"}.
    QJsonObject call(const QString &op, const QJsonObject &params = {})
    {
        const int id = ++m_next;
        if (!socket.sendTextMessage(QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("id"), id},
                                                                                {QStringLiteral("op"), op},
                                                                                {QStringLiteral("params"), params}})
                                                          .toJson(QJsonDocument::Compact))))
            return {{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), QStringLiteral("not sent: closed")}}}};
        if (!QTest::qWaitFor([&] { return answers.contains(id); }, 20000))
            return {{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), QStringLiteral("no answer")}}}};
        return answers.take(id);
    }
    QJsonObject result(const QString &op, const QJsonObject &params = {})
    {
        const QJsonObject answer = call(op, params);
        if (!answer.contains(u"result"))
            qWarning() << op << "failed:" << answer;
        return answer.value(u"result").toObject();
    }
    bool hasEvent(const QString &name, int timeout = 5000)
    {
        return QTest::qWaitFor([&] {
            return std::any_of(events.cbegin(), events.cend(), [&](const QJsonObject &e) { return e.value(u"event") == name; });
        }, timeout);
    }

    Client::ClientSocket socket;
    bool opened = false;
    QHash<int, QJsonObject> answers;
    QList<QJsonObject> events;

private:
    int m_next = 0;
};

QString errorCode(const QJsonObject &answer)
{
    return answer.value(u"error").toObject().value(u"code").toString();
}

} // namespace

class TestManagement : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    TestPki m_pki;
    quint16 m_http = 0;
    quint16 m_manage = 0;
    quint16 m_extra = 0;
    App::Gateway *m_gateway = nullptr;
    QByteArray m_originalConfig;

    QString configPath() const { return m_dir.filePath(QStringLiteral("gateway-config.xml")); }
    QString manageUrl() const { return QStringLiteral("wss://localhost:%1/manage").arg(m_manage); }

    QSslConfiguration tls() const
    {
        QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
        configuration.setCaCertificates({m_pki.caCertificate()});
        return configuration;
    }

    std::unique_ptr<Console> admin() { return std::make_unique<Console>(manageUrl(), tls(), "admin", "admin-password"); }

    QByteArray fileText() const
    {
        QFile file(configPath());
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    void writeFile(const QString &name, const QByteArray &data)
    {
        QFile file(m_dir.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(data);
    }

    // The status a handshake to the management service gets with these credentials.
    int handshakeStatus(const QByteArray &authorization)
    {
        const QByteArray head = Testing::tlsExchange(
            m_manage,
            Testing::request("GET", "/manage", Testing::kUpgrade + "Sec-WebSocket-Version: 13\r\n"
                                                   + (authorization.isEmpty() ? QByteArray() : "Authorization: " + authorization + "\r\n")),
            std::nullopt, tls());
        return head.mid(9, 3).toInt();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_http = Testing::freePort();
        m_manage = Testing::freePort();
        m_extra = Testing::freePort();
        TestPki::writeKeystore(m_dir.path(), {m_pki.serverEntry(QStringLiteral("localhost"), {QStringLiteral("localhost")})});
        const auto hash = [](const char *password) { return *Auth::PasswordHasher::hash(password); };
        writeFile(QStringLiteral("users.xml"),
                  "<jaas-config>\n"
                  "  <user><name>admin</name><password>" + hash("admin-password") + "</password><role-name>ADMINISTRATOR</role-name></user>\n"
                  "  <user><name>viewer</name><password>" + hash("viewer-password") + "</password><role-name>OBSERVER</role-name></user>\n"
                  "  <user><name>guest</name><password>" + hash("guest-password") + "</password><role-name>GUEST</role-name></user>\n"
                  "</jaas-config>\n");
        writeFile(QStringLiteral("app-users.xml"),
                  "<jaas-config>\n  <user><name>early</name><password>" + hash("early-password")
                      + "</password><role-name>USER</role-name></user>\n</jaas-config>\n");
        const QByteArray http = QByteArray::number(m_http);
        m_originalConfig = "<?xml version=\"1.0\"?>\n"
                           "<!-- The management test's gateway: this comment must survive every edit. -->\n"
                           "<gateway-config>\n"
                           "  <service>\n"
                           "    <name>echo</name>\n"
                           "    <accept>ws://localhost:" + http + "/echo</accept>\n"
                           "    <type>echo</type>\n"
                           "  </service>\n\n"
                           "  <!-- The app's users log in here. -->\n"
                           "  <service>\n"
                           "    <name>app</name>\n"
                           "    <accept>ws://localhost:" + http + "/app</accept>\n"
                           "    <type>echo</type>\n"
                           "    <realm-name>app</realm-name>\n"
                           "    <!-- Kept by services.disable and services.enable. -->\n"
                           "  </service>\n\n"
                           "  <service>\n"
                           "    <name>manage</name>\n"
                           "    <accept>wss://localhost:" + QByteArray::number(m_manage) + "/manage</accept>\n"
                           "    <type>management</type>\n"
                           "    <properties><read-only.role>OBSERVER</read-only.role></properties>\n"
                           "    <realm-name>admins</realm-name>\n"
                           "  </service>\n\n"
                           "  <security>\n"
                           "    <keystore><file>keystore.p12</file><password-file>keystore.pw</password-file></keystore>\n"
                           "    <realm><name>admins</name><authentication><http-challenge-scheme>Application Basic</http-challenge-scheme>\n"
                           "      <login-modules><login-module><type>file</type><options><file>users.xml</file></options></login-module></login-modules>\n"
                           "    </authentication></realm>\n"
                           "    <realm><name>app</name><authentication>\n"
                           "      <login-modules><login-module><type>file</type><options><file>app-users.xml</file></options></login-module></login-modules>\n"
                           "    </authentication></realm>\n"
                           "  </security>\n"
                           "</gateway-config>\n";
        writeFile(QStringLiteral("gateway-config.xml"), m_originalConfig);
        const auto config = Config::ConfigLoader::loadFile(configPath());
        QVERIFY2(config, config ? "" : qPrintable(config.error().first().toString()));
        m_gateway = new App::Gateway(this);
        g_ring = m_gateway->logRing();
        g_previous = qInstallMessageHandler(toRing);
        const auto applied = m_gateway->apply(*config);
        QVERIFY2(applied, applied ? "" : qPrintable(applied.error().join(u'\n')));
    }

    void cleanupTestCase()
    {
        qInstallMessageHandler(g_previous);
        g_ring = nullptr;
    }

    void whoMayConnect()
    {
        QCOMPARE(handshakeStatus({}), 401);
        QCOMPARE(handshakeStatus("Basic " + QByteArray("admin:wrong").toBase64()), 401);
        QCOMPARE(handshakeStatus("Basic " + QByteArray("guest:guest-password").toBase64()), 403);
        QCOMPARE(handshakeStatus("Basic " + QByteArray("admin:admin-password").toBase64()), 101);
        QCOMPARE(handshakeStatus("Basic " + QByteArray("viewer:viewer-password").toBase64()), 101);
    }

    void helloAndInfo()
    {
        const auto console = admin();
        QVERIFY(console->opened);
        QVERIFY(console->hasEvent(QStringLiteral("hello")));
        QCOMPARE(console->events.first().value(u"data").toObject().value(u"readOnly"), QJsonValue(false));
        const QJsonObject info = console->result(QStringLiteral("gateway.info"));
        QCOMPARE(info.value(u"configFile").toString(), configPath());
        QCOMPARE(info.value(u"protocol").toInt(), 1);
        QVERIFY(!info.value(u"revision").toString().isEmpty());
        QVERIFY(info.value(u"listeners").toArray().size() >= 2);
        QVERIFY(info.value(u"totals").toObject().value(u"sessionsOpen").toDouble() >= 1);
    }

    void readOnlyUserReadsButDoesNotChange()
    {
        Console viewer(manageUrl(), tls(), "viewer", "viewer-password");
        QVERIFY(viewer.opened);
        QVERIFY(viewer.hasEvent(QStringLiteral("hello")));
        QCOMPARE(viewer.events.first().value(u"data").toObject().value(u"readOnly"), QJsonValue(true));
        const QJsonObject services = viewer.result(QStringLiteral("services.list"));
        QCOMPARE(services.value(u"services").toArray().size(), 3);
        const QJsonObject refused = viewer.call(QStringLiteral("services.delete"),
                                                {{QStringLiteral("revision"), services.value(u"revision")},
                                                 {QStringLiteral("name"), QStringLiteral("echo")}});
        QCOMPARE(errorCode(refused), QStringLiteral("forbidden"));
        QCOMPARE(errorCode(viewer.call(QStringLiteral("certificates.export"), {{QStringLiteral("alias"), QStringLiteral("localhost")}})),
                 QStringLiteral("forbidden"));
        QCOMPARE(fileText(), m_originalConfig);
    }

    void badRequests()
    {
        const auto console = admin();
        QVERIFY(console->hasEvent(QStringLiteral("hello")));
        QSignalSpy text(&console->socket, &Client::ClientSocket::textMessageReceived);
        console->socket.sendTextMessage(QStringLiteral("{not json"));
        QVERIFY(text.wait(5000));
        QVERIFY(text.last().first().toString().contains(u"\"bad-request\""));
        QCOMPARE(errorCode(console->call(QStringLiteral("no.such.thing"))), QStringLiteral("unknown-operation"));
        const QJsonObject wrongType = console->call(QStringLiteral("sessions.get"), {{QStringLiteral("id"), QStringLiteral("seven")}});
        QCOMPARE(errorCode(wrongType), QStringLiteral("invalid-params"));
        QCOMPARE(wrongType.value(u"error").toObject().value(u"field").toString(), QStringLiteral("params.id"));
        QVERIFY(console->socket.isOpen()); // still connected after all of it
    }

    void invalidServiceChangesNothing()
    {
        const auto console = admin();
        const QString revision = console->result(QStringLiteral("services.list")).value(u"revision").toString();
        const QJsonObject answer = console->call(
            QStringLiteral("services.create"),
            {{QStringLiteral("revision"), revision},
             {QStringLiteral("service"),
              QJsonObject{{QStringLiteral("name"), QStringLiteral("broken")},
                          {QStringLiteral("type"), QStringLiteral("echo")},
                          {QStringLiteral("accept"), QJsonArray{QStringLiteral("ws://localhost:%1/broken").arg(m_http)}},
                          {QStringLiteral("acceptOptions"), QJsonObject{{QStringLiteral("ws.maximum.message.size"), QStringLiteral("lots")}}}}}});
        QCOMPARE(errorCode(answer), QStringLiteral("invalid-configuration"));
        QCOMPARE(answer.value(u"error").toObject().value(u"field").toString(), QStringLiteral("service.acceptOptions.ws.maximum.message.size"));
        QCOMPARE(fileText(), m_originalConfig); // byte for byte
        // A stale revision is refused too, before anything else.
        const QJsonObject stale = console->call(QStringLiteral("services.delete"),
                                                {{QStringLiteral("revision"), QStringLiteral("0000000000000000")},
                                                 {QStringLiteral("name"), QStringLiteral("echo")}});
        QCOMPARE(errorCode(stale), QStringLiteral("conflict"));
        QCOMPARE(fileText(), m_originalConfig);
    }

    void addUpdateDeleteServices()
    {
        const auto console = admin();
        QVERIFY(console->result(QStringLiteral("events.subscribe"), {{QStringLiteral("topics"), QJsonArray{QStringLiteral("config")}}})
                    .contains(u"topics"));
        // A session on "echo" that must survive every edit below.
        QWebSocket bystander;
        QSignalSpy bystanderConnected(&bystander, &QWebSocket::connected);
        bystander.open(QUrl(QStringLiteral("ws://localhost:%1/echo").arg(m_http)));
        QVERIFY(bystanderConnected.wait(5000));
        QSignalSpy bystanderClosed(&bystander, &QWebSocket::disconnected);

        // Add a proxy on a new port to the echo service, and connect through it.
        QString revision = console->result(QStringLiteral("services.list")).value(u"revision").toString();
        QJsonObject proxy{{QStringLiteral("name"), QStringLiteral("to-echo")},
                          {QStringLiteral("type"), QStringLiteral("proxy")},
                          {QStringLiteral("accept"), QJsonArray{QStringLiteral("ws://localhost:%1/through").arg(m_extra)}},
                          {QStringLiteral("connect"), QStringLiteral("ws://localhost:%1/echo").arg(m_http)}};
        QJsonObject created = console->result(QStringLiteral("services.create"),
                                              {{QStringLiteral("revision"), revision}, {QStringLiteral("service"), proxy}});
        QVERIFY(!created.value(u"revision").toString().isEmpty());
        QVERIFY(console->hasEvent(QStringLiteral("config.changed")));
        revision = created.value(u"revision").toString();
        QVERIFY(fileText().contains("<name>to-echo</name>"));
        QVERIFY(fileText().contains("<!-- The management test's gateway: this comment must survive every edit. -->"));
        QVERIFY(fileText().contains("<!-- The app's users log in here. -->"));
        QWebSocket through;
        QSignalSpy throughConnected(&through, &QWebSocket::connected);
        through.open(QUrl(QStringLiteral("ws://localhost:%1/through").arg(m_extra)));
        QVERIFY(throughConnected.wait(5000));
        QSignalSpy echoed(&through, &QWebSocket::textMessageReceived);
        through.sendTextMessage(QStringLiteral("via the new proxy"));
        QVERIFY(echoed.wait(5000));
        QCOMPARE(echoed.first().first().toString(), QStringLiteral("via the new proxy"));

        // Update it (a new path); the bystander on another service stays connected.
        proxy.insert(QStringLiteral("accept"), QJsonArray{QStringLiteral("ws://localhost:%1/through2").arg(m_extra)});
        const QJsonObject updated = console->result(QStringLiteral("services.update"),
                                                    {{QStringLiteral("revision"), revision},
                                                     {QStringLiteral("name"), QStringLiteral("to-echo")},
                                                     {QStringLiteral("service"), proxy}});
        revision = updated.value(u"revision").toString();
        QVERIFY(!revision.isEmpty());
        Testing::RawClient oldPath(m_extra);
        QVERIFY(oldPath.exchange(Testing::request("GET", "/through", Testing::kUpgrade + "Sec-WebSocket-Version: 13\r\n")));
        QCOMPARE(oldPath.status(), 404);
        const QJsonObject service = console->result(QStringLiteral("services.get"), {{QStringLiteral("name"), QStringLiteral("to-echo")}})
                                        .value(u"service").toObject();
        QCOMPARE(service.value(u"accept").toArray().first().toString(), QStringLiteral("ws://localhost:%1/through2").arg(m_extra));
        QVERIFY(service.value(u"state").toObject().value(u"running").toBool());

        // Disable, then delete it: its port closes.
        revision = console->result(QStringLiteral("services.disable"),
                                   {{QStringLiteral("revision"), revision}, {QStringLiteral("name"), QStringLiteral("to-echo")}})
                       .value(u"revision").toString();
        QVERIFY(fileText().contains("<service enabled=\"false\">"));
        revision = console->result(QStringLiteral("services.delete"),
                                   {{QStringLiteral("revision"), revision}, {QStringLiteral("name"), QStringLiteral("to-echo")}})
                       .value(u"revision").toString();
        QVERIFY(!revision.isEmpty());
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, m_extra);
        QVERIFY(!probe.waitForConnected(2000));
        QCOMPARE(fileText(), m_originalConfig); // added and removed: the file is as it was
        QCOMPARE(bystanderClosed.count(), 0);
        QSignalSpy bystanderEcho(&bystander, &QWebSocket::textMessageReceived);
        bystander.sendTextMessage(QStringLiteral("still here"));
        QVERIFY(bystanderEcho.wait(5000));
        // One backup of the previous file is kept.
        QVERIFY(QFile::exists(configPath() + QStringLiteral(".bak")));
    }

    void validateWithoutApplying()
    {
        const auto console = admin();
        const QJsonObject bad = console->result(QStringLiteral("config.validate"),
                                                {{QStringLiteral("text"), QStringLiteral("<gateway-config>\n<service><name>x</name>"
                                                                                         "<type>echo</type></service>\n</gateway-config>\n")}});
        QCOMPARE(bad.value(u"valid"), QJsonValue(false));
        QVERIFY(bad.value(u"errors").toArray().first().toObject().value(u"message").toString().contains(u"has no <accept>"));
        const QJsonObject good = console->result(QStringLiteral("config.validate"),
                                                 {{QStringLiteral("text"), QString::fromUtf8(m_originalConfig)}});
        QCOMPARE(good.value(u"valid"), QJsonValue(true));
        QCOMPARE(fileText(), m_originalConfig);
    }

    void sessionsListedAndClosed()
    {
        const auto console = admin();
        QVERIFY(console->result(QStringLiteral("events.subscribe"),
                                {{QStringLiteral("topics"), QJsonArray{QStringLiteral("sessions"), QStringLiteral("counters")}}})
                    .contains(u"topics"));
        QWebSocket client;
        QSignalSpy connected(&client, &QWebSocket::connected);
        QSignalSpy closed(&client, &QWebSocket::disconnected);
        QNetworkRequest request(QUrl(QStringLiteral("ws://localhost:%1/echo").arg(m_http)));
        request.setRawHeader("Origin", QByteArray("http://localhost:") + QByteArray::number(m_http));
        client.open(request);
        QVERIFY(connected.wait(5000));
        QVERIFY(console->hasEvent(QStringLiteral("session.opened")));
        QVERIFY(console->hasEvent(QStringLiteral("counters"), 3000));
        const QJsonArray sessions = console->result(QStringLiteral("sessions.list"), {{QStringLiteral("service"), QStringLiteral("echo")}})
                                        .value(u"sessions").toArray();
        QVERIFY(!sessions.isEmpty());
        const double id = sessions.last().toObject().value(u"id").toDouble();
        const QJsonObject detail = console->result(QStringLiteral("sessions.get"), {{QStringLiteral("id"), id}});
        QCOMPARE(detail.value(u"service").toString(), QStringLiteral("echo"));
        QCOMPARE(detail.value(u"origin").toString(), QStringLiteral("http://localhost:%1").arg(m_http));
        const QJsonObject closing = console->result(QStringLiteral("sessions.close"),
                                                    {{QStringLiteral("ids"), QJsonArray{id}},
                                                     {QStringLiteral("reason"), QStringLiteral("maintenance")},
                                                     {QStringLiteral("code"), 4001}});
        QCOMPARE(closing.value(u"closed").toArray().first().toDouble(), id);
        QVERIFY(closed.count() > 0 || closed.wait(5000));
        QCOMPARE(int(client.closeCode()), 4001);
        QCOMPARE(client.closeReason(), QStringLiteral("maintenance"));
        QVERIFY(console->hasEvent(QStringLiteral("session.closed")));
    }

    // Log lines and session events reach a console while it subscribes to them, and stop once
    // it no longer does (the gateway then does not even connect them).
    void logAndSessionEventsFollowTheSubscription()
    {
        const auto console = admin();
        const auto subscribe = [&](const QJsonArray &topics) {
            return console->result(QStringLiteral("events.subscribe"),
                                   {{QStringLiteral("topics"), topics}, {QStringLiteral("logLevel"), QStringLiteral("info")}})
                .contains(u"topics");
        };
        const auto count = [&](const QString &name) {
            return std::count_if(console->events.cbegin(), console->events.cend(),
                                 [&](const QJsonObject &e) { return e.value(u"event") == name; });
        };
        const auto refusedRequest = [&] { // a 404 is logged at debug; a 400 at info
            Testing::RawClient client(m_http);
            client.exchange("BROKEN\r\n\r\n");
        };
        // The session stays open while the test looks for its event: the hub tells of a session
        // only if it is still there when the (queued) news reaches the main thread.
        std::unique_ptr<QWebSocket> client;
        const auto openSession = [&] {
            client = std::make_unique<QWebSocket>();
            QSignalSpy connected(client.get(), &QWebSocket::connected);
            QNetworkRequest request(QUrl(QStringLiteral("ws://localhost:%1/echo").arg(m_http)));
            request.setRawHeader("Origin", QByteArray("http://localhost:") + QByteArray::number(m_http));
            client->open(request);
            return connected.wait(5000);
        };

        QVERIFY(subscribe({QStringLiteral("logs"), QStringLiteral("sessions")}));
        refusedRequest();
        QVERIFY(console->hasEvent(QStringLiteral("log")));
        QVERIFY(openSession());
        QVERIFY(console->hasEvent(QStringLiteral("session.opened")));

        QVERIFY(subscribe({}));
        console->events.clear();
        refusedRequest();
        QVERIFY(openSession());
        QTest::qWait(500); // what would have been pushed has had time to arrive
        QCOMPARE(count(QStringLiteral("log")), 0);
        QCOMPARE(count(QStringLiteral("session.opened")), 0);

        QVERIFY(subscribe({QStringLiteral("logs")}));
        refusedRequest();
        QVERIFY(console->hasEvent(QStringLiteral("log")));
    }

    void usersAddedCanLogIn()
    {
        const auto console = admin();
        const auto login = [&](const QByteArray &user, const QByteArray &password) {
            Testing::RawClient client(m_http);
            client.exchange(Testing::request("GET", "/app", Testing::kUpgrade + "Sec-WebSocket-Version: 13\r\nAuthorization: Basic "
                                                                + QByteArray(user + ':' + password).toBase64() + "\r\n"));
            return client.status();
        };
        QCOMPARE(login("newcomer", "newcomer-password"), 401);
        console->result(QStringLiteral("users.add"), {{QStringLiteral("realm"), QStringLiteral("app")},
                                                      {QStringLiteral("name"), QStringLiteral("newcomer")},
                                                      {QStringLiteral("password"), QStringLiteral("newcomer-password")},
                                                      {QStringLiteral("roles"), QJsonArray{QStringLiteral("USER")}}});
        QCOMPARE(login("newcomer", "newcomer-password"), 101);
        const QJsonArray users = console->result(QStringLiteral("users.list"), {{QStringLiteral("realm"), QStringLiteral("app")}})
                                     .value(u"users").toArray();
        QCOMPARE(users.size(), 2);
        QVERIFY(users.last().toObject().value(u"hashed").toBool());
        QFile file(m_dir.filePath(QStringLiteral("app-users.xml")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        QVERIFY(text.contains("$argon2id$") && !text.contains("newcomer-password"));
        QCOMPARE(file.permissions() & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());
        console->result(QStringLiteral("users.setPassword"), {{QStringLiteral("realm"), QStringLiteral("app")},
                                                              {QStringLiteral("name"), QStringLiteral("newcomer")},
                                                              {QStringLiteral("password"), QStringLiteral("another-password")}});
        QCOMPARE(login("newcomer", "newcomer-password"), 401);
        QCOMPARE(login("newcomer", "another-password"), 101);
        console->result(QStringLiteral("users.remove"), {{QStringLiteral("realm"), QStringLiteral("app")},
                                                         {QStringLiteral("name"), QStringLiteral("newcomer")}});
        QCOMPARE(login("newcomer", "another-password"), 401);
    }

    void importedPkcs12IsPresented()
    {
        const auto console = admin();
        // A PKCS#12 for other.test, made here, sent as base64 with its password.
        Tls::Keystore single;
        const Tls::KeystoreEntry entry = m_pki.serverEntry(QStringLiteral("other.test"), {QStringLiteral("other.test")});
        single.insert(entry);
        const QByteArray pkcs12 = *single.toPkcs12("import-pw");
        const QJsonObject imported = console->result(QStringLiteral("certificates.import"),
                                                     {{QStringLiteral("alias"), QStringLiteral("other.test")},
                                                      {QStringLiteral("pkcs12"), QString::fromLatin1(pkcs12.toBase64())},
                                                      {QStringLiteral("password"), QStringLiteral("import-pw")}});
        QCOMPARE(imported.value(u"entries").toArray().size(), 1);
        // New TLS handshakes asking for other.test get it.
        QSslSocket socket;
        QSslConfiguration configuration = tls();
        socket.setSslConfiguration(configuration);
        QSignalSpy encrypted(&socket, &QSslSocket::encrypted);
        socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_manage, QStringLiteral("other.test"));
        QVERIFY(encrypted.wait(10000)); // (no waitFor*: the gateway runs in this thread)
        QCOMPARE(socket.peerCertificate(), entry.certificate());
        // And it is listed, with who uses it.
        const QJsonArray entries = console->result(QStringLiteral("certificates.list")).value(u"entries").toArray();
        QVERIFY(std::any_of(entries.cbegin(), entries.cend(),
                            [](const QJsonValue &e) { return e.toObject().value(u"alias").toString() == u"other.test"; }));
    }

    void requestSignInstall()
    {
        const auto console = admin();
        const QJsonObject requested = console->result(QStringLiteral("certificates.csr"),
                                                      {{QStringLiteral("alias"), QStringLiteral("signed.test")},
                                                       {QStringLiteral("commonName"), QStringLiteral("signed.test")},
                                                       {QStringLiteral("dns"), QJsonArray{QStringLiteral("signed.test")}}});
        QVERIFY(requested.value(u"createdKey").toBool());
        const QByteArray csr = requested.value(u"csr").toString().toLatin1();
        QVERIFY(csr.startsWith("-----BEGIN CERTIFICATE REQUEST-----"));
        // The test CA signs it with the openssl command line, as a CA would.
        QFile csrFile(m_dir.filePath(QStringLiteral("signed.csr")));
        QVERIFY(csrFile.open(QIODevice::WriteOnly) && csrFile.write(csr) > 0);
        csrFile.close();
        QFile caFile(m_dir.filePath(QStringLiteral("ca.pem")));
        QVERIFY(caFile.open(QIODevice::WriteOnly) && caFile.write(m_pki.caCertificate().toPem()) > 0);
        caFile.close();
        {
            Tls::BioPtr bio(BIO_new_file(qPrintable(m_dir.filePath(QStringLiteral("ca.key"))), "w"));
            QVERIFY(PEM_write_bio_PrivateKey(bio.get(), m_pki.caKey().get(), nullptr, nullptr, 0, nullptr, nullptr) == 1);
        }
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"), {QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), csrFile.fileName(),
                                                  QStringLiteral("-CA"), caFile.fileName(), QStringLiteral("-CAkey"),
                                                  m_dir.filePath(QStringLiteral("ca.key")), QStringLiteral("-CAcreateserial"),
                                                  QStringLiteral("-days"), QStringLiteral("30")});
        QVERIFY(openssl.waitForFinished(20000));
        QCOMPARE(openssl.exitCode(), 0);
        const QByteArray reply = openssl.readAllStandardOutput();
        const QJsonObject installed = console->result(QStringLiteral("certificates.installReply"),
                                                      {{QStringLiteral("alias"), QStringLiteral("signed.test")},
                                                       {QStringLiteral("reply"), QString::fromLatin1(reply.toBase64())},
                                                       {QStringLiteral("issuers"), QString::fromLatin1(m_pki.caCertificate().toPem().toBase64())}});
        QCOMPARE(installed.value(u"alias").toString(), QStringLiteral("signed.test"));
        QCOMPARE(installed.value(u"chain").toArray().size(), 2);
        QVERIFY(installed.value(u"certificate").toObject().value(u"issuer").toString().contains(u"Postern Test CA"));
        // Export it back (PEM with its chain).
        const QJsonObject exported = console->result(QStringLiteral("certificates.export"),
                                                     {{QStringLiteral("alias"), QStringLiteral("signed.test")},
                                                      {QStringLiteral("format"), QStringLiteral("pem")},
                                                      {QStringLiteral("chain"), true}});
        QCOMPARE(QByteArray::fromBase64(exported.value(u"data").toString().toLatin1()).count("BEGIN CERTIFICATE"), 2);
    }

    void deletingACertificateInUseIsRefused()
    {
        const auto console = admin();
        const QJsonObject refused = console->call(QStringLiteral("certificates.delete"), {{QStringLiteral("alias"), QStringLiteral("localhost")}});
        QCOMPARE(errorCode(refused), QStringLiteral("conflict"));
        QVERIFY(refused.value(u"error").toObject().value(u"message").toString().contains(u"in use by service(s)"));
    }

    void logsTailAndAudit()
    {
        const auto console = admin();
        const QJsonArray lines = console->result(QStringLiteral("logs.tail"), {{QStringLiteral("lines"), 50}}).value(u"lines").toArray();
        QVERIFY(std::any_of(lines.cbegin(), lines.cend(), [](const QJsonValue &line) {
            return line.toObject().value(u"message").toString().contains(u"management:");
        }));
        // Every change so far is in the audit log, one JSON object a line, without secrets.
        QFile audit(m_dir.filePath(QStringLiteral("audit.log")));
        QVERIFY(audit.open(QIODevice::ReadOnly));
        const QList<QByteArray> entries = audit.readAll().trimmed().split('\n');
        QVERIFY(entries.size() >= 8);
        for (const QByteArray &line : entries) {
            const QJsonObject entry = QJsonDocument::fromJson(line).object();
            QVERIFY(entry.contains(u"user") && entry.contains(u"from") && entry.contains(u"op") && entry.contains(u"result"));
            QVERIFY(!line.contains("password\":\"new") && !line.contains("import-pw") && !line.contains("another-password"));
        }
        QVERIFY(std::any_of(entries.cbegin(), entries.cend(), [](const QByteArray &line) {
            return line.contains("\"op\":\"services.delete\"") && line.contains("\"result\":\"forbidden\"");
        }));
        QCOMPARE(audit.permissions() & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());
        // audit.tail gives the file's last entries, oldest first, to read-only users too.
        Console viewer(manageUrl(), tls(), "viewer", "viewer-password");
        const QJsonArray tail = viewer.result(QStringLiteral("audit.tail"), {{QStringLiteral("lines"), 3}}).value(u"entries").toArray();
        QCOMPARE(tail.size(), 3);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(tail.at(i).toObject(), QJsonDocument::fromJson(entries.at(entries.size() - 3 + i)).object());
        QCOMPARE(errorCode(viewer.call(QStringLiteral("audit.tail"), {{QStringLiteral("lines"), 1001}})), QStringLiteral("invalid-params"));
    }

    void logLevelsChangeAtRunTime()
    {
        // logs.setLevel changes a category's level in the running gateway, without a restart;
        // read-only users may not, and a wrong category or level names the param.
        const auto console = admin();
        QVERIFY(!Postern::lcFrontdoor().isDebugEnabled());
        const QJsonObject set = console->result(QStringLiteral("logs.setLevel"), {{QStringLiteral("category"), QStringLiteral("postern.frontdoor")},
                                                                                {QStringLiteral("level"), QStringLiteral("debug")}});
        QCOMPARE(set.value(u"levels").toObject(), (QJsonObject{{QStringLiteral("postern.frontdoor"), QStringLiteral("debug")}}));
        QVERIFY(Postern::lcFrontdoor().isDebugEnabled());
        QVERIFY(!Postern::lcTls().isDebugEnabled());
        const QJsonObject badCategory = console->call(QStringLiteral("logs.setLevel"), {{QStringLiteral("category"), QStringLiteral("postern.nope")},
                                                                                       {QStringLiteral("level"), QStringLiteral("debug")}});
        QCOMPARE(errorCode(badCategory), QStringLiteral("invalid-params"));
        QCOMPARE(badCategory.value(u"error").toObject().value(u"field").toString(), QStringLiteral("params.category"));
        const QJsonObject badLevel = console->call(QStringLiteral("logs.setLevel"), {{QStringLiteral("category"), QStringLiteral("postern")},
                                                                                    {QStringLiteral("level"), QStringLiteral("loud")}});
        QCOMPARE(badLevel.value(u"error").toObject().value(u"field").toString(), QStringLiteral("params.level"));
        Console viewer(manageUrl(), tls(), "viewer", "viewer-password");
        QCOMPARE(errorCode(viewer.call(QStringLiteral("logs.setLevel"), {{QStringLiteral("category"), QStringLiteral("postern")},
                                                                         {QStringLiteral("level"), QStringLiteral("error")}})),
                 QStringLiteral("forbidden"));
        QVERIFY(Postern::lcSession().isInfoEnabled());
        // "default" drops the override.
        const QJsonObject reset = console->result(QStringLiteral("logs.setLevel"), {{QStringLiteral("category"), QStringLiteral("postern.frontdoor")},
                                                                                  {QStringLiteral("level"), QStringLiteral("default")}});
        QCOMPARE(reset.value(u"levels").toObject(), QJsonObject());
        QVERIFY(!Postern::lcFrontdoor().isDebugEnabled());
    }

    void metricsArePrometheusText()
    {
        const QByteArray head = Testing::tlsExchange(m_manage, Testing::request("GET", "/metrics", "Authorization: Basic "
                                                                                 + QByteArray("viewer:viewer-password").toBase64() + "\r\n"),
                                                     std::nullopt, tls());
        QVERIFY2(head.startsWith("HTTP/1.1 200"), head.constData());
        QVERIFY(head.contains("Content-Type: text/plain; version=0.0.4"));
        // The body: read it whole with a second request through a raw TLS socket.
        QSslSocket socket;
        socket.setSslConfiguration(tls());
        QByteArray received;
        QObject::connect(&socket, &QSslSocket::readyRead, [&] { received += socket.readAll(); });
        QSignalSpy encrypted(&socket, &QSslSocket::encrypted);
        socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_manage, QStringLiteral("localhost"));
        QVERIFY(encrypted.wait(10000));
        socket.write("GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Basic "
                     + QByteArray("viewer:viewer-password").toBase64() + "\r\n\r\n");
        QVERIFY(QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::UnconnectedState; }, 10000));
        const QByteArray body = received.mid(received.indexOf("\r\n\r\n") + 4);
        // Every line is a comment or "name{labels} value", per the text format.
        // (No raw string literal here: Qt 6.4's moc stops reading the file at one.)
        static const QRegularExpression sample(QStringLiteral("^[a-z_]+\\{[a-z]+=\"[^\"]*\"(,[a-z]+=\"[^\"]*\")*\\} \\d+$"));
        int samples = 0;
        for (const QByteArray &line : body.trimmed().split('\n')) {
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE "))
                continue;
            QVERIFY2(sample.match(QString::fromUtf8(line)).hasMatch(), line.constData());
            ++samples;
        }
        QVERIFY(samples > 5);
        QVERIFY(body.contains("postern_sessions_opened_total{service=\"echo\"}"));
        QVERIFY(body.contains("postern_refusals_total{service=\"manage\",reason=\"authentication\"}"));
        QVERIFY(body.contains("postern_refusals_total{service=\"manage\",reason=\"authorization\"}"));
        // Without credentials: 401 like the API.
        QVERIFY(Testing::tlsExchange(m_manage, Testing::request("GET", "/metrics"), std::nullopt, tls()).startsWith("HTTP/1.1 401"));
    }

    void failsClosedWithoutUsers()
    {
        // A management service whose realm has no user refuses to start, naming why.
        QTemporaryDir dir;
        QFile users(dir.filePath(QStringLiteral("nobody.xml")));
        QVERIFY(users.open(QIODevice::WriteOnly) && users.write("<jaas-config/>\n") > 0);
        users.close();
        TestPki::writeKeystore(dir.path(), {m_pki.serverEntry(QStringLiteral("localhost"), {QStringLiteral("localhost")})});
        const QByteArray xml = "<gateway-config><service><name>m</name><accept>wss://localhost:" + QByteArray::number(Testing::freePort())
            + "/m</accept><type>management</type><realm-name>r</realm-name></service><security>"
              "<keystore><file>keystore.p12</file><password-file>keystore.pw</password-file></keystore>"
              "<realm><name>r</name><authentication><login-modules><login-module><type>file</type>"
              "<options><file>nobody.xml</file></options></login-module></login-modules></authentication></realm>"
              "</security></gateway-config>";
        const auto config = Config::ConfigLoader::loadData(xml, dir.filePath(QStringLiteral("gateway-config.xml")));
        QVERIFY2(config, config ? "" : qPrintable(config.error().first().toString()));
        App::Gateway gateway;
        const auto applied = gateway.apply(*config);
        QVERIFY(!applied);
        QVERIFY2(applied.error().join(u' ').contains(u"would admit nobody"), qPrintable(applied.error().join(u' ')));
    }

    // --- found in review: each of these once crashed, froze or misled the gateway ---

    void validateIsForAdministratorsAndReadsWithinLimits()
    {
        Console viewer(manageUrl(), tls(), "viewer", "viewer-password");
        QCOMPARE(errorCode(viewer.call(QStringLiteral("config.validate"), {{QStringLiteral("text"), QString::fromUtf8(m_originalConfig)}})),
                 QStringLiteral("forbidden"));
        // A keystore "file" of 256 GiB (it made the gateway allocate until it died).
        const auto console = admin();
        QByteArray text = m_originalConfig;
        text.replace("<file>keystore.p12</file>", "<file>/proc/self/pagemap</file>");
        const QJsonObject result = console->result(QStringLiteral("config.validate"), {{QStringLiteral("text"), QString::fromUtf8(text)}});
        QCOMPARE(result.value(u"valid"), QJsonValue(false));
        QVERIFY2(result.value(u"errors").toArray().first().toObject().value(u"message").toString().contains(u"/proc/self/pagemap"),
                 qPrintable(QString::fromUtf8(QJsonDocument(result).toJson())));
        QVERIFY(console->result(QStringLiteral("gateway.info")).contains(u"revision")); // alive
    }

    void hostNamesAreResolvedWithoutBlocking()
    {
        const auto console = admin();
        QByteArray text = m_originalConfig;
        text.replace("<name>echo</name>",
                     QByteArray("<name>echo</name><accept>ws://no-such-host.invalid:" + QByteArray::number(m_extra) + "/x</accept>"));
        const QJsonObject result = console->result(QStringLiteral("config.validate"), {{QStringLiteral("text"), QString::fromUtf8(text)}});
        QCOMPARE(result.value(u"valid"), QJsonValue(false));
        QVERIFY2(result.value(u"errors").toArray().first().toObject().value(u"message").toString()
                     .contains(u"cannot resolve host 'no-such-host.invalid'"),
                 qPrintable(QString::fromUtf8(QJsonDocument(result).toJson())));
        // Hundreds of names (each a DNS lookup on the event loop froze every connection): refused.
        QByteArray many;
        for (int i = 0; i < 65; ++i)
            many += "<accept>ws://h" + QByteArray::number(i) + ".invalid:" + QByteArray::number(m_extra) + "/x</accept>";
        text = m_originalConfig;
        text.replace("<name>echo</name>", QByteArray("<name>echo</name>" + many));
        const QJsonObject refused = console->call(QStringLiteral("config.validate"), {{QStringLiteral("text"), QString::fromUtf8(text)}});
        QCOMPARE(errorCode(refused), QStringLiteral("invalid-configuration"));
        QVERIFY(refused.value(u"error").toObject().value(u"message").toString().contains(u"at most 64"));
    }

    void consoleRightsFollowTheUsersFileAndTheService()
    {
        const auto console = admin();
        console->result(QStringLiteral("users.add"), {{QStringLiteral("realm"), QStringLiteral("admins")},
                                                      {QStringLiteral("name"), QStringLiteral("boss")},
                                                      {QStringLiteral("password"), QStringLiteral("boss-password")},
                                                      {QStringLiteral("roles"), QJsonArray{QStringLiteral("ADMINISTRATOR")}}});
        Console boss(manageUrl(), tls(), "boss", "boss-password");
        QVERIFY(boss.opened);
        QVERIFY(boss.hasEvent(QStringLiteral("hello")));
        // Demoted: the open console may only read from now on, and is told so.
        console->result(QStringLiteral("users.setRoles"), {{QStringLiteral("realm"), QStringLiteral("admins")},
                                                           {QStringLiteral("name"), QStringLiteral("boss")},
                                                           {QStringLiteral("roles"), QJsonArray{QStringLiteral("OBSERVER")}}});
        QVERIFY(boss.hasEvent(QStringLiteral("access.changed")));
        QCOMPARE(errorCode(boss.call(QStringLiteral("users.add"), {{QStringLiteral("realm"), QStringLiteral("admins")},
                                                                   {QStringLiteral("name"), QStringLiteral("boss2")},
                                                                   {QStringLiteral("password"), QStringLiteral("boss2-password")},
                                                                   {QStringLiteral("roles"), QJsonArray{QStringLiteral("ADMINISTRATOR")}}})),
                 QStringLiteral("forbidden"));
        // Removed: the open console is closed (it could otherwise restore its own access).
        QSignalSpy closed(&boss.socket, &Client::ClientSocket::disconnected);
        console->result(QStringLiteral("users.remove"), {{QStringLiteral("realm"), QStringLiteral("admins")},
                                                         {QStringLiteral("name"), QStringLiteral("boss")}});
        QVERIFY(closed.count() > 0 || closed.wait(5000));
        QCOMPARE(int(boss.socket.closeCode()), 1008);
        QVERIFY2(boss.socket.closeReason().contains(u"removed"), qPrintable(boss.socket.closeReason()));

        // The read-only role taken off the management service: the viewer's console closes.
        Console viewer(manageUrl(), tls(), "viewer", "viewer-password");
        QVERIFY(viewer.hasEvent(QStringLiteral("hello")));
        const QJsonObject manage = console->result(QStringLiteral("services.get"), {{QStringLiteral("name"), QStringLiteral("manage")}});
        QJsonObject service = manage.value(u"service").toObject();
        const QJsonObject before = service;
        service.remove(QStringLiteral("properties"));
        for (const QString &live : {QStringLiteral("state"), QStringLiteral("sessions"), QStringLiteral("listening")})
            service.remove(live);
        QSignalSpy viewerClosed(&viewer.socket, &Client::ClientSocket::disconnected);
        const QJsonObject updated = console->call(QStringLiteral("services.update"),
                                                  {{QStringLiteral("revision"), manage.value(u"revision")},
                                                   {QStringLiteral("name"), QStringLiteral("manage")},
                                                   {QStringLiteral("service"), service}});
        QVERIFY2(updated.contains(u"result"), qPrintable(QString::fromUtf8(QJsonDocument(updated).toJson())));
        QVERIFY(viewerClosed.count() > 0 || viewerClosed.wait(5000));
        QCOMPARE(int(viewer.socket.closeCode()), 1008);
        // Put back as it was.
        const auto again = admin();
        QVERIFY(again->opened);
        writeFile(QStringLiteral("gateway-config.xml"), m_originalConfig);
        QVERIFY(again->result(QStringLiteral("config.reload")).contains(u"revision"));
    }

    void propertyNamesCannotCarryMarkup()
    {
        const auto console = admin();
        const QByteArray text = fileText();
        const QString revision = console->result(QStringLiteral("services.list")).value(u"revision").toString();
        const QString smuggled = QStringLiteral("ws.maximum.message.size>64k</ws.maximum.message.size></accept-options></service>"
                                                "<service><name>evil</name><accept>ws://localhost:%1/evil</accept><type>echo</type>"
                                                "<accept-options><!--").arg(m_extra);
        const QJsonObject answer = console->call(
            QStringLiteral("services.create"),
            {{QStringLiteral("revision"), revision},
             {QStringLiteral("service"),
              QJsonObject{{QStringLiteral("name"), QStringLiteral("inj")},
                          {QStringLiteral("type"), QStringLiteral("echo")},
                          {QStringLiteral("accept"), QJsonArray{QStringLiteral("ws://localhost:%1/inj").arg(m_http)}},
                          {QStringLiteral("acceptOptions"), QJsonObject{{smuggled, QStringLiteral("-->")}}}}}});
        QCOMPARE(errorCode(answer), QStringLiteral("invalid-params"));
        QCOMPARE(answer.value(u"error").toObject().value(u"field").toString(), QStringLiteral("service.acceptOptions.") + smuggled);
        QCOMPARE(fileText(), text);
        QVERIFY(!m_gateway->config().service(QStringLiteral("evil")));
    }

    void auditKeepsSecretsOutAndStaysSmall()
    {
        const auto console = admin();
        // A certificate and its key in PEM: neither is written to the audit log.
        const Tls::KeystoreEntry entry = m_pki.serverEntry(QStringLiteral("pem.test"), {QStringLiteral("pem.test")});
        QByteArray keyPem;
        {
            Tls::BioPtr bio(BIO_new(BIO_s_mem()));
            QVERIFY(PEM_write_bio_PrivateKey(bio.get(), entry.key(), nullptr, nullptr, 0, nullptr, nullptr) == 1);
            char *data = nullptr;
            const long size = BIO_get_mem_data(bio.get(), &data);
            keyPem = QByteArray(data, size);
        }
        console->result(QStringLiteral("certificates.import"),
                        {{QStringLiteral("alias"), QStringLiteral("pem.test")},
                         {QStringLiteral("certificate"), QString::fromLatin1(entry.certificate().toPem().toBase64())},
                         {QStringLiteral("key"), QString::fromLatin1(keyPem.toBase64())}});
        // A read-only user's refused changes are recorded by the names of their params only.
        Console viewer(manageUrl(), tls(), "viewer", "viewer-password");
        QVERIFY(viewer.hasEvent(QStringLiteral("hello")));
        const QString huge(100000, u'x');
        QCOMPARE(errorCode(viewer.call(QStringLiteral("services.delete"), {{QStringLiteral("revision"), QStringLiteral("r")},
                                                                           {QStringLiteral("name"), huge}})),
                 QStringLiteral("forbidden"));
        QFile audit(m_dir.filePath(QStringLiteral("audit.log")));
        QVERIFY(audit.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = audit.readAll().trimmed().split('\n');
        const auto last = [&](const QByteArray &op) {
            for (auto it = lines.crbegin(); it != lines.crend(); ++it)
                if (it->contains(QByteArray("\"op\":\"" + op + "\"")))
                    return *it;
            return QByteArray();
        };
        const QByteArray imported = last("certificates.import");
        QVERIFY2(imported.contains("\"certificate\":\"(not logged)\"") && imported.contains("\"key\":\"(not logged)\""),
                 imported.constData());
        QVERIFY(imported.contains("\"alias\":\"pem.test\""));
        QVERIFY(!imported.contains(keyPem.toBase64().left(40)));
        const QByteArray refused = last("services.delete");
        QVERIFY2(refused.size() < 1000 && refused.contains("\"name\":\"(not logged)\""), refused.left(300).constData());
        // A console that keeps asking for changes it may not make is closed.
        QSignalSpy closed(&viewer.socket, &Client::ClientSocket::disconnected);
        for (int i = 0; i < 12 && closed.isEmpty(); ++i)
            viewer.call(QStringLiteral("services.delete"), {{QStringLiteral("revision"), QStringLiteral("r")},
                                                            {QStringLiteral("name"), QStringLiteral("echo")}});
        QVERIFY(closed.count() > 0 || closed.wait(5000));
        QCOMPARE(int(viewer.socket.closeCode()), 1008);
    }

    void disableAndEnableKeepTheElement()
    {
        const auto console = admin();
        const QByteArray before = fileText();
        QVERIFY(before.contains("<!-- Kept by services.disable and services.enable. -->"));
        const QString revision = console->result(QStringLiteral("services.list")).value(u"revision").toString();
        const QString disabled = console->result(QStringLiteral("services.disable"), {{QStringLiteral("revision"), revision},
                                                                                      {QStringLiteral("name"), QStringLiteral("app")}})
                                     .value(u"revision").toString();
        QByteArray expected = before;
        expected.replace("<service>\n    <name>app</name>", "<service enabled=\"false\">\n    <name>app</name>");
        QCOMPARE(fileText(), expected);
        console->result(QStringLiteral("services.enable"), {{QStringLiteral("revision"), disabled}, {QStringLiteral("name"), QStringLiteral("app")}});
        QCOMPARE(fileText(), before);
    }

    void wrongValuesAreRefusedNotCoerced()
    {
        const auto console = admin();
        for (const QJsonValue &id : {QJsonValue(1.5), QJsonValue(QStringLiteral("1")), QJsonValue(1e300), QJsonValue(-1), QJsonValue()}) {
            const QJsonObject answer = console->call(QStringLiteral("sessions.close"), {{QStringLiteral("ids"), QJsonArray{id}}});
            QCOMPARE(errorCode(answer), QStringLiteral("invalid-params"));
        }
        for (const QString &name : {QStringLiteral("a\u0001b"), QStringLiteral("a:b"), QStringLiteral(" padded"), QString(200, u'n')}) {
            const QJsonObject answer = console->call(QStringLiteral("users.add"), {{QStringLiteral("realm"), QStringLiteral("app")},
                                                                                    {QStringLiteral("name"), name},
                                                                                    {QStringLiteral("password"), QStringLiteral("long-enough-pw")}});
            QCOMPARE(errorCode(answer), QStringLiteral("invalid-params"));
            QCOMPARE(answer.value(u"error").toObject().value(u"field").toString(), QStringLiteral("params.name"));
        }
    }
};

QTEST_GUILESS_MAIN(TestManagement)
#include "tst_management.moc"
