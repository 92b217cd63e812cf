// The gateway with two worker threads (<workers>2</workers>), in-process on ephemeral ports:
// many clients over ws and wss to echo and to a proxy at once, spread by the kernel over
// both threads; sessions listed and closed through the management API while that traffic
// flows; a reload in the middle (a port added and taken away again in every thread); and a
// shutdown that drains the sessions of both threads and says stopped() once.

#include "app/gateway.h"
#include "auth/passwordhasher.h"
#include "config/configloader.h"
#include "sessions/sessionregistry.h"
#include "sessions/websocketsession.h"
#include "testpki.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>
#include <QWebSocket>
#include <QtTest>

#include <memory>
#include <vector>

using namespace Postern;
using Testing::TestPki;

namespace {

// A TCP back-end that sends back what it is sent.
class TcpEcho final : public QObject
{
public:
    TcpEcho()
    {
        QObject::connect(&m_server, &QTcpServer::pendingConnectionAvailable, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection())
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->write(socket->readAll()); });
        });
        if (!m_server.listen(QHostAddress::LocalHost))
            qFatal("echo back-end cannot listen");
    }
    quint16 port() const { return m_server.serverPort(); }

private:
    QTcpServer m_server;
};

// A client that keeps one message in flight: each answer (text or binary, however the
// gateway framed it) is checked against what was sent, and the next message goes out.
class PingPong final : public QObject
{
public:
    PingPong(const QUrl &url, const QSslConfiguration &tls)
    {
        socket.setSslConfiguration(tls);
        QObject::connect(&socket, &QWebSocket::textMessageReceived, this,
                         [this](const QString &text) { onData(text.toUtf8()); });
        QObject::connect(&socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &data) { onData(data); });
        QSignalSpy connected(&socket, &QWebSocket::connected);
        socket.open(url);
        if (!connected.wait(10000))
            qWarning() << "could not open" << url << socket.errorString();
    }

    bool isOpen() const { return socket.state() == QAbstractSocket::ConnectedState; }
    void start() { sendNext(); }

    QWebSocket socket;
    int roundTrips = 0;
    bool wrongAnswer = false;

private:
    void sendNext()
    {
        m_expected = QByteArrayLiteral("message ") + QByteArray::number(roundTrips) + QByteArray(40, 'x');
        m_received.clear();
        socket.sendTextMessage(QString::fromLatin1(m_expected));
    }
    void onData(const QByteArray &data)
    {
        m_received += data;
        if (m_received.size() < m_expected.size())
            return;
        if (m_received != m_expected)
            wrongAnswer = true;
        ++roundTrips;
        sendNext();
    }

    QByteArray m_expected;
    QByteArray m_received;
};

} // namespace

class TestWorkers : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    TestPki m_pki;
    TcpEcho m_backend;
    quint16 m_http = 0;
    quint16 m_tls = 0;
    quint16 m_manage = 0;
    quint16 m_extra = 0;
    App::Gateway *m_gateway = nullptr;
    std::vector<std::unique_ptr<PingPong>> m_clients;

    QString configPath() const { return m_dir.filePath(QStringLiteral("gateway-config.xml")); }

    QSslConfiguration tls() const
    {
        QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
        configuration.setCaCertificates({m_pki.caCertificate()});
        return configuration;
    }

    QByteArray configXml(bool withExtra) const
    {
        const QByteArray http = QByteArray::number(m_http), secure = QByteArray::number(m_tls);
        QByteArray xml = "<gateway-config>\n  <workers>2</workers>\n"
                         "  <service><name>echo</name><accept>ws://localhost:" + http + "/echo</accept>"
                         "<accept>wss://localhost:" + secure + "/echo</accept><type>echo</type></service>\n"
                         "  <service><name>proxy</name><accept>ws://localhost:" + http + "/proxy</accept>"
                         "<accept>wss://localhost:" + secure + "/proxy</accept>"
                         "<connect>tcp://127.0.0.1:" + QByteArray::number(m_backend.port()) + "</connect><type>proxy</type></service>\n"
                         "  <service><name>manage</name><accept>wss://localhost:" + QByteArray::number(m_manage) + "/manage</accept>"
                         "<type>management</type><realm-name>admins</realm-name>"
                         "<authorization-constraint><require-role>ADMINISTRATOR</require-role></authorization-constraint></service>\n";
        if (withExtra)
            xml += "  <service><name>extra</name><accept>ws://localhost:" + QByteArray::number(m_extra)
                + "/echo</accept><type>echo</type></service>\n";
        xml += "  <security>\n"
               "    <keystore><type>PKCS12</type><file>keystore.p12</file><password-file>keystore.pw</password-file></keystore>\n"
               "    <realm><name>admins</name><authentication><http-challenge-scheme>Basic</http-challenge-scheme>"
               "<login-modules><login-module><type>file</type><options><file>users.xml</file></options></login-module>"
               "</login-modules></authentication></realm>\n"
               "  </security>\n</gateway-config>\n";
        return xml;
    }

    void writeFile(const QString &name, const QByteArray &data)
    {
        QFile file(m_dir.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(data);
    }

    // Opens `count` clients to each of echo and proxy over ws and wss, and starts their traffic.
    void openClients(int count)
    {
        const QStringList urls{QStringLiteral("ws://localhost:%1/echo").arg(m_http),
                               QStringLiteral("wss://localhost:%1/echo").arg(m_tls),
                               QStringLiteral("ws://localhost:%1/proxy").arg(m_http),
                               QStringLiteral("wss://localhost:%1/proxy").arg(m_tls)};
        for (int i = 0; i < count; ++i) {
            for (const QString &url : urls) {
                auto client = std::make_unique<PingPong>(QUrl(url), tls());
                QVERIFY2(client->isOpen(), qPrintable(url));
                client->start();
                m_clients.push_back(std::move(client));
            }
        }
    }

    // Whether every open client has made `count` more round trips (none answered wrongly).
    bool allFlow(int count)
    {
        std::vector<int> before;
        for (const auto &client : m_clients)
            before.push_back(client->roundTrips);
        return QTest::qWaitFor([&] {
            for (std::size_t i = 0; i < m_clients.size(); ++i)
                if (m_clients[i]->isOpen() && m_clients[i]->roundTrips < before[i] + count)
                    return false;
            return true;
        }, 30000) && std::none_of(m_clients.cbegin(), m_clients.cend(), [](const auto &c) { return c->wrongAnswer; });
    }

    // The threads the registry's sessions live in.
    QSet<QThread *> sessionThreads(const QString &service) const
    {
        QSet<QThread *> threads;
        m_gateway->sessions()->forEach([&](const Sessions::WebSocketSession &session) {
            if (session.serviceName() == service)
                threads.insert(session.thread());
        });
        return threads;
    }

    // A management request over a WebSocket that logs in with Basic; the answer's result.
    QJsonObject manage(const QString &op, const QJsonObject &params = {})
    {
        QWebSocket console;
        console.setSslConfiguration(tls());
        QNetworkRequest request(QUrl(QStringLiteral("wss://localhost:%1/manage").arg(m_manage)));
        request.setRawHeader("Authorization", "Basic " + QByteArrayLiteral("admin:admin-password").toBase64());
        QSignalSpy connected(&console, &QWebSocket::connected);
        console.open(request);
        if (!connected.wait(10000)) {
            qWarning() << "console not connected:" << console.errorString();
            return {};
        }
        QJsonObject answer;
        QObject::connect(&console, &QWebSocket::textMessageReceived, &console, [&](const QString &text) {
            const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
            if (message.value(u"id").toInt() == 1)
                answer = message;
        });
        console.sendTextMessage(QString::fromUtf8(
            QJsonDocument(QJsonObject{{QStringLiteral("id"), 1}, {QStringLiteral("op"), op}, {QStringLiteral("params"), params}})
                .toJson(QJsonDocument::Compact)));
        if (!QTest::qWaitFor([&] { return !answer.isEmpty(); }, 20000))
            qWarning() << op << "got no answer";
        if (!answer.contains(u"result"))
            qWarning() << op << "failed:" << answer;
        return answer.value(u"result").toObject();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_http = Testing::freePort();
        m_tls = Testing::freePort();
        m_manage = Testing::freePort();
        m_extra = Testing::freePort();
        TestPki::writeKeystore(m_dir.path(), {m_pki.serverEntry(QStringLiteral("localhost"), {QStringLiteral("localhost")})});
        writeFile(QStringLiteral("users.xml"), "<jaas-config>\n  <user><name>admin</name><password>"
                                                   + *Auth::PasswordHasher::hash("admin-password")
                                                   + "</password><role-name>ADMINISTRATOR</role-name></user>\n</jaas-config>\n");
        writeFile(QStringLiteral("gateway-config.xml"), configXml(false));
        const auto config = Config::ConfigLoader::loadFile(configPath());
        QVERIFY2(config, config ? "" : qPrintable(config.error().first().toString()));
        QCOMPARE(config->workerCount(), 2);
        m_gateway = new App::Gateway(this);
        const auto applied = m_gateway->apply(*config);
        QVERIFY2(applied, applied ? "" : qPrintable(applied.error().join(u'\n')));
        QCOMPARE(m_gateway->workerCount(), 2);
    }

    void trafficSpreadsOverBothThreads()
    {
        openClients(8); // 32 clients: 8 each of ws and wss to echo and to the proxy
        QVERIFY(allFlow(20));
        QCOMPARE(m_gateway->sessions()->count(), qsizetype(m_clients.size()));
        // The kernel spreads connections by their addresses and ports: 16 of a service all in
        // one thread would be a 1 in 2^15 chance if the second listened at all.
        QCOMPARE(sessionThreads(QStringLiteral("echo")).size(), 2);
        QCOMPARE(sessionThreads(QStringLiteral("proxy")).size(), 2);
        QVERIFY(sessionThreads(QStringLiteral("echo")).contains(QThread::currentThread()));
        // Counters written in a worker thread are read here.
        m_gateway->sessions()->forEach([](const Sessions::WebSocketSession &session) {
            QVERIFY(session.counters().messagesIn >= 20);
        });
    }

    void managementWhileTrafficFlows()
    {
        QJsonArray listed; // the console's own session aside
        for (const QJsonValue &session : manage(QStringLiteral("sessions.list")).value(u"sessions").toArray())
            if (session.toObject().value(u"service").toString() != u"manage")
                listed.append(session);
        QCOMPARE(listed.size(), qsizetype(m_clients.size()));
        // Some sessions of each thread, closed by id while all of them send and receive.
        QJsonArray ids;
        QSet<QThread *> threads;
        // Every fourth, and one of the other thread should those all be in one (the listing's
        // order can put one kind of client, 8 sessions, at every fourth place: a 1 in 128
        // chance that the kernel gave all 8 to one thread).
        const auto threadOf = [&](const QJsonValue &session) {
            QThread *thread = nullptr;
            m_gateway->sessions()->withSession(quint64(session.toObject().value(u"id").toDouble()),
                                               [&](const Sessions::WebSocketSession &s) { thread = s.thread(); });
            return thread;
        };
        for (qsizetype i = 0; i < listed.size(); i += 4) {
            QThread *thread = threadOf(listed.at(i));
            QVERIFY(thread);
            QVERIFY(listed.at(i).toObject().value(u"messagesIn").toDouble() > 0);
            ids.append(listed.at(i).toObject().value(u"id"));
            threads.insert(thread);
        }
        if (threads.size() == 1)
            for (const QJsonValue &session : std::as_const(listed))
                if (QThread *thread = threadOf(session); !threads.contains(thread)) {
                    ids.append(session.toObject().value(u"id"));
                    threads.insert(thread);
                    break;
                }
        QCOMPARE(threads.size(), 2);
        const QJsonObject one = manage(QStringLiteral("sessions.get"), {{QStringLiteral("id"), ids.first()}});
        QCOMPARE(one.value(u"id").toDouble(), ids.first().toDouble());
        const QJsonObject closed = manage(QStringLiteral("sessions.close"),
                                          {{QStringLiteral("ids"), ids}, {QStringLiteral("code"), 4001},
                                           {QStringLiteral("reason"), QStringLiteral("test")}});
        QCOMPARE(closed.value(u"closed").toArray().size(), ids.size());
        const auto closedClients = [&] {
            return std::count_if(m_clients.cbegin(), m_clients.cend(), [](const auto &c) {
                return !c->isOpen() && c->socket.closeCode() == QWebSocketProtocol::CloseCode(4001);
            });
        };
        QTRY_COMPARE_WITH_TIMEOUT(closedClients(), qsizetype(ids.size()), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(m_gateway->sessions()->count(), qsizetype(m_clients.size()) - ids.size(), 10000);
        std::erase_if(m_clients, [](const auto &c) { return !c->isOpen(); });
        QVERIFY(allFlow(10)); // the others went on
    }

    void reloadInTheMiddle()
    {
        writeFile(QStringLiteral("gateway-config.xml"), configXml(true));
        const auto reloaded = m_gateway->reload(configPath());
        QVERIFY2(reloaded, reloaded ? "" : qPrintable(reloaded.error().join(u'\n')));
        QVERIFY(allFlow(10)); // sessions of both threads carry on
        // The new port is served by both threads.
        std::vector<std::unique_ptr<PingPong>> extra;
        for (int i = 0; i < 16; ++i) {
            extra.push_back(std::make_unique<PingPong>(QUrl(QStringLiteral("ws://localhost:%1/echo").arg(m_extra)), tls()));
            QVERIFY(extra.back()->isOpen());
            extra.back()->start();
        }
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(extra.cbegin(), extra.cend(), [](const auto &c) { return c->roundTrips >= 5; }),
                                 20000);
        QCOMPARE(sessionThreads(QStringLiteral("extra")).size(), 2);
        for (const auto &client : extra)
            client->socket.close();
        QTRY_COMPARE_WITH_TIMEOUT(m_gateway->sessions()->count(QStringLiteral("extra")), 0, 10000);

        // Taken away again: no thread accepts on it any more.
        writeFile(QStringLiteral("gateway-config.xml"), configXml(false));
        const auto back = m_gateway->reload(configPath());
        QVERIFY2(back, back ? "" : qPrintable(back.error().join(u'\n')));
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (int i = 0; i < 16; ++i) {
                    QTcpSocket probe;
                    QSignalSpy failed(&probe, &QTcpSocket::errorOccurred);
                    probe.connectToHost(QHostAddress::LocalHost, m_extra);
                    if (!failed.wait(5000) || probe.error() != QAbstractSocket::ConnectionRefusedError)
                        return false;
                }
                return true;
            }(),
            10000);
        QVERIFY(allFlow(10));
    }

    void mainThreadAddressIsNamed()
    {
        // An echo service sharing its port with the management service is served by the main
        // thread alone; the administrator is told which address and why, and only for that one.
        const QByteArray shared = QByteArray::number(Testing::freePort());
        const QByteArray own = QByteArray::number(Testing::freePort());
        writeFile(QStringLiteral("mixed.xml"),
                  "<gateway-config>\n  <workers>2</workers>\n"
                  "  <service><name>echo</name><accept>wss://localhost:" + shared + "/echo</accept>"
                  "<accept>ws://localhost:" + own + "/echo</accept><type>echo</type></service>\n"
                  "  <service><name>manage</name><accept>wss://localhost:" + shared + "/manage</accept>"
                  "<type>management</type><realm-name>admins</realm-name>"
                  "<authorization-constraint><require-role>ADMINISTRATOR</require-role></authorization-constraint></service>\n"
                  "  <security>\n"
                  "    <keystore><type>PKCS12</type><file>keystore.p12</file><password-file>keystore.pw</password-file></keystore>\n"
                  "    <realm><name>admins</name><authentication><http-challenge-scheme>Basic</http-challenge-scheme>"
                  "<login-modules><login-module><type>file</type><options><file>users.xml</file></options></login-module>"
                  "</login-modules></authentication></realm>\n"
                  "  </security>\n</gateway-config>\n");
        const auto config = Config::ConfigLoader::loadFile(m_dir.filePath(QStringLiteral("mixed.xml")));
        QVERIFY2(config, config ? "" : qPrintable(config.error().first().toString()));
        // What the gateway logs while applying, kept aside from the test's own output.
        static QStringList told;
        told.clear();
        const QtMessageHandler previous = qInstallMessageHandler([](QtMsgType, const QMessageLogContext &, const QString &message) {
            if (message.contains(u"is served by the main thread alone"))
                told.append(message);
        });
        App::Gateway gateway;
        const auto applied = gateway.apply(*config);
        qInstallMessageHandler(previous);
        QVERIFY2(applied, applied ? "" : qPrintable(applied.error().join(u'\n')));
        QCOMPARE(told.size(), 1);
        QVERIFY2(told.first().startsWith(QStringLiteral("localhost:%1 (TLS) is served by the main thread alone: "
                                                        "service 'manage' (management)").arg(QString::fromLatin1(shared))),
                 qPrintable(told.first()));
    }

    void shutdownDrainsBothThreads()
    {
        QVERIFY(sessionThreads(QStringLiteral("echo")).size() + sessionThreads(QStringLiteral("proxy")).size() >= 3);
        QSignalSpy stopped(m_gateway, &App::Gateway::stopped);
        m_gateway->shutdown(std::chrono::seconds(20));
        QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 25000);
        QCOMPARE(m_gateway->sessions()->count(), 0);
        for (const auto &client : m_clients) {
            QTRY_VERIFY_WITH_TIMEOUT(!client->isOpen(), 5000);
            QCOMPARE(client->socket.closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
        }
        QCOMPARE(m_gateway->workerCount(), 1); // the worker thread has been joined
        QTest::qWait(200); // stopped() is said once, not again by a late event
        QCOMPARE(stopped.count(), 1);
    }
};

QTEST_GUILESS_MAIN(TestWorkers)
#include "tst_workers.moc"
