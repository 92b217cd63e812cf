// Two gateways as one cluster, in one process, meeting through a real redis-server the test
// starts on a free port: a broadcast reaches clients on both nodes once each, with one node
// connected to the source; a source connecting in to either node reaches both; Redis stopped
// leaves each node serving its own clients from its own source connection; Redis started again
// brings the cluster back without restarting the gateways. The cluster's view through the
// management API: every node's summary and sessions, closing a session on another node, a
// node that stops dropping out, Redis down answered clearly while local management goes on;
// and the console's models (the client library) showing and closing the cluster's sessions.
// And the <cluster> errors: in the file, an empty password file on reload, a rediss:// server
// whose certificate fails verification.

#include "app/gateway.h"
#include "auth/passwordhasher.h"
#include "broadcast/broadcasthub.h"
#include "cluster/clusternode.h"
#include "config/configloader.h"
#include "sessions/sessionregistry.h"
#include "tls/keystore.h"
#include "basicchallengehandler.h"
#include "clusternodemodel.h"
#include "managementclient.h"
#include "sessionmodel.h"
#include "rawclient.h"
#include "testpki.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QSslServer>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QtTest>

using namespace Postern;

namespace {

// A TCP source: the gateways connect to it; writes go to every connection it has.
class TcpSource : public QObject
{
public:
    TcpSource()
    {
        QObject::connect(&server, &QTcpServer::pendingConnectionAvailable, this, [this] {
            while (QTcpSocket *socket = server.nextPendingConnection()) {
                sockets.append(socket);
                QObject::connect(socket, &QTcpSocket::disconnected, socket, [this, socket] { sockets.removeAll(socket); });
            }
        });
        if (!server.listen(QHostAddress::LocalHost))
            qFatal("source cannot listen");
    }
    ~TcpSource() override
    {
        // The server's sockets outlive `sockets`: their disconnected() must not reach it.
        for (QTcpSocket *socket : server.findChildren<QTcpSocket *>())
            socket->disconnect();
    }
    QString url() const { return QStringLiteral("tcp://127.0.0.1:%1").arg(server.serverPort()); }
    void write(const QByteArray &data)
    {
        for (QTcpSocket *socket : std::as_const(sockets))
            socket->write(data);
    }
    QTcpServer server;
    QList<QTcpSocket *> sockets;
};

// A WebSocket client that keeps the text messages it receives.
class WsClient
{
public:
    explicit WsClient(const QString &url)
    {
        QObject::connect(&socket, &QWebSocket::textMessageReceived, &socket,
                         [this](const QString &text) { messages.append(text); });
        QSignalSpy connected(&socket, &QWebSocket::connected);
        socket.open(QUrl(url));
        if (!connected.wait(10000))
            qWarning() << "could not open" << url << socket.errorString();
    }
    // Waits until `text` has arrived, then a little longer for a copy that should not come.
    bool receivedOnce(const QString &text)
    {
        if (!QTest::qWaitFor([&] { return messages.contains(text); }, 10000))
            return false;
        QTest::qWait(150);
        return messages.count(text) == 1;
    }
    QWebSocket socket;
    QStringList messages;
};

// A management console over ws:// on loopback, logged in with Basic.
class Console
{
public:
    Console(quint16 port, const QByteArray &credentials)
    {
        QObject::connect(&socket, &QWebSocket::textMessageReceived, &socket, [this](const QString &text) {
            const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
            if (!message.contains(u"event"))
                answers.insert(message.value(u"id").toInt(), message);
        });
        QNetworkRequest request(QUrl(QStringLiteral("ws://127.0.0.1:%1/manage").arg(port)));
        request.setRawHeader("Authorization", "Basic " + credentials.toBase64());
        QSignalSpy connected(&socket, &QWebSocket::connected);
        socket.open(request);
        opened = connected.wait(10000);
    }
    // The whole answer: {"id", "result"} or {"id", "error"}.
    QJsonObject call(const QString &op, const QJsonObject &params = {})
    {
        const int id = ++m_next;
        socket.sendTextMessage(QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("id"), id},
                                                                           {QStringLiteral("op"), op},
                                                                           {QStringLiteral("params"), params}})
                                                     .toJson(QJsonDocument::Compact)));
        if (!QTest::qWaitFor([&] { return answers.contains(id); }, 20000))
            return {{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), QStringLiteral("no answer")}}}};
        return answers.take(id);
    }
    QJsonObject result(const QString &op, const QJsonObject &params = {})
    {
        return call(op, params).value(u"result").toObject();
    }
    QWebSocket socket;
    bool opened = false;
    QHash<int, QJsonObject> answers;

private:
    int m_next = 0;
};

QString errorCode(const QJsonObject &answer)
{
    return answer.value(u"error").toObject().value(u"code").toString();
}

// The names of the nodes cluster.nodes lists, or the error code.
QStringList nodeNames(Console &console)
{
    const QJsonObject answer = console.call(QStringLiteral("cluster.nodes"));
    if (!answer.contains(u"result"))
        return {QStringLiteral("error: ") + errorCode(answer)};
    QStringList names;
    for (const QJsonValue &node : answer.value(u"result").toObject().value(u"nodes").toArray())
        names.append(node.toObject().value(u"name").toString());
    return names;
}

// The sessions of service "e" in sessions.list with scope cluster, as "node/id".
QStringList echoSessions(Console &console)
{
    QStringList found;
    const QJsonObject result = console.result(QStringLiteral("sessions.list"),
                                              {{QStringLiteral("scope"), QStringLiteral("cluster")},
                                               {QStringLiteral("service"), QStringLiteral("e")}});
    for (const QJsonValue &value : result.value(u"sessions").toArray()) {
        const QJsonObject session = value.toObject();
        found.append(session.value(u"node").toString() + u'/' + QString::number(qint64(session.value(u"id").toDouble())));
    }
    return found;
}

} // namespace

class TestCluster : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    quint16 m_redisPort = 0;
    std::unique_ptr<QProcess> m_redis;
    quint16 m_portA = 0, m_portB = 0;
    std::unique_ptr<App::Gateway> m_a, m_b;
    quint16 m_manageA = 0, m_manageB = 0;
    QByteArray m_adminPassword;

    bool startRedis()
    {
        m_redis = std::make_unique<QProcess>();
        m_redis->setProcessChannelMode(QProcess::MergedChannels);
        m_redis->start(QStringLiteral("redis-server"),
                       {QStringLiteral("--port"), QString::number(m_redisPort), QStringLiteral("--bind"),
                        QStringLiteral("127.0.0.1"), QStringLiteral("--save"), QString(), QStringLiteral("--appendonly"),
                        QStringLiteral("no"), QStringLiteral("--requirepass"), QStringLiteral("cluster-test-secret")});
        QByteArray output;
        return QTest::qWaitFor([&] {
            output += m_redis->readAll();
            return output.contains("Ready to accept connections");
        }, 10000);
    }

    void stopRedis()
    {
        m_redis->kill();
        m_redis->waitForFinished(5000);
        m_redis.reset();
    }

    // A gateway config for node `node` with one broadcast service "b" on `port`.
    QByteArray config(const QByteArray &node, quint16 port, const QByteArray &source)
    {
        return "<gateway-config>\n<service><name>b</name><accept>ws://127.0.0.1:" + QByteArray::number(port)
            + "/b</accept>" + source + "<type>broadcast</type></service>\n"
              "<cluster><name>" + node + "</name><connect>redis://127.0.0.1:" + QByteArray::number(m_redisPort)
            + "</connect><password-file>redis.pw</password-file></cluster>\n</gateway-config>\n";
    }

    std::unique_ptr<App::Gateway> startNode(const QByteArray &xml, const QString &file)
    {
        QFile out(m_dir.filePath(file));
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return nullptr;
        out.write(xml);
        out.close();
        const auto loaded = Config::ConfigLoader::loadFile(out.fileName());
        if (!loaded) {
            qWarning() << loaded.error().first().toString();
            return nullptr;
        }
        auto gateway = std::make_unique<App::Gateway>();
        const auto applied = gateway->apply(*loaded);
        if (!applied) {
            qWarning() << applied.error();
            return nullptr;
        }
        return gateway;
    }

    // A node with an echo service "e" on `port` and a management service on `manage`, whose
    // administrator is "admin" with m_adminPassword.
    QByteArray managedConfig(const QByteArray &node, quint16 port, quint16 manage)
    {
        return "<gateway-config>\n<service><name>e</name><accept>ws://127.0.0.1:" + QByteArray::number(port)
            + "/e</accept><type>echo</type></service>\n"
              "<service><name>manage</name><accept>ws://127.0.0.1:" + QByteArray::number(manage)
            + "/manage</accept><type>management</type><realm-name>admins</realm-name></service>\n"
              "<security><realm><name>admins</name><authentication><http-challenge-scheme>Basic</http-challenge-scheme>"
              "<login-modules><login-module><type>file</type><options><file>admins.xml</file></options></login-module>"
              "</login-modules></authentication></realm></security>\n"
              "<cluster><name>" + node + "</name><connect>redis://127.0.0.1:" + QByteArray::number(m_redisPort)
            + "</connect><password-file>redis.pw</password-file></cluster>\n</gateway-config>\n";
    }
    QByteArray adminCredentials() const { return "admin:" + m_adminPassword; }
    // Nodes a and b, each with its echo and management services.
    bool startManagedNodes()
    {
        m_a = startNode(managedConfig("node-a", m_portA, m_manageA), QStringLiteral("a.xml"));
        m_b = startNode(managedConfig("node-b", m_portB, m_manageB), QStringLiteral("b.xml"));
        return m_a && m_b;
    }

    QStringList errorsOf(const QByteArray &cluster)
    {
        QFile out(m_dir.filePath(QStringLiteral("errors.xml")));
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        out.write("<gateway-config><service><name>e</name><accept>ws://127.0.0.1:9/e</accept><type>echo</type></service>"
                  + cluster + "</gateway-config>\n");
        out.close();
        const auto loaded = Config::ConfigLoader::loadFile(out.fileName());
        QStringList errors;
        if (!loaded)
            for (const auto &error : loaded.error())
                errors << error.toString();
        return errors;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("redis-server")).isEmpty())
            QFAIL("redis-server is not installed (scripts/deps.sh installs it)");
        QVERIFY(m_dir.isValid());
        QFile password(m_dir.filePath(QStringLiteral("redis.pw")));
        QVERIFY(password.open(QIODevice::WriteOnly));
        password.write("cluster-test-secret\n");
        password.close();
        m_adminPassword = QByteArray::number(QRandomGenerator::system()->generate64(), 36);
        const auto hash = Auth::PasswordHasher::hash(m_adminPassword);
        QVERIFY(hash);
        QFile admins(m_dir.filePath(QStringLiteral("admins.xml")));
        QVERIFY(admins.open(QIODevice::WriteOnly));
        admins.write("<jaas-config><user><name>admin</name><password>" + *hash
                     + "</password><role-name>ADMINISTRATOR</role-name></user></jaas-config>\n");
    }

    void init()
    {
        m_redisPort = Testing::freePort();
        m_portA = Testing::freePort();
        m_portB = Testing::freePort();
        m_manageA = Testing::freePort();
        m_manageB = Testing::freePort();
        QVERIFY(startRedis());
    }

    void cleanup()
    {
        m_a.reset();
        m_b.reset();
        if (m_redis)
            stopRedis();
    }

    void broadcastReachesBothNodesOnceFromOneSourceConnection()
    {
        TcpSource source;
        const QByteArray connect = "<connect>" + source.url().toUtf8() + "</connect><properties>"
                                   "<source.framing>newline</source.framing></properties>";
        m_a = startNode(config("node-a", m_portA, connect), QStringLiteral("a.xml"));
        m_b = startNode(config("node-b", m_portB, connect), QStringLiteral("b.xml"));
        QVERIFY(m_a && m_b);
        WsClient onA(QStringLiteral("ws://127.0.0.1:%1/b").arg(m_portA));
        WsClient onB(QStringLiteral("ws://127.0.0.1:%1/b").arg(m_portB));
        // One node takes the source's lease; the other lets its connection go.
        QVERIFY(QTest::qWaitFor([&] { return source.sockets.size() == 1; }, 15000));
        QTest::qWait(300);
        QCOMPARE(source.sockets.size(), 1);
        // The lease holder publishes only once it is up: wait for one message to make it through.
        QVERIFY(QTest::qWaitFor([&] {
            source.write("probe\n");
            return onA.messages.contains(QStringLiteral("probe")) && onB.messages.contains(QStringLiteral("probe"));
        }, 15000));
        source.write("tick 1\n");
        QVERIFY(onA.receivedOnce(QStringLiteral("tick 1")));
        QVERIFY(onB.receivedOnce(QStringLiteral("tick 1")));
    }

    void sourceConnectingInToOneNodeReachesBoth()
    {
        const quint16 sourcePortA = Testing::freePort(), sourcePortB = Testing::freePort();
        const auto accept = [](quint16 port) -> QByteArray {
            return "<properties><accept>tcp://127.0.0.1:" + QByteArray::number(port)
                + "</accept><source.framing>newline</source.framing><on.client.message>broadcast</on.client.message>"
                  "</properties>";
        };
        m_a = startNode(config("node-a", m_portA, accept(sourcePortA)), QStringLiteral("a.xml"));
        m_b = startNode(config("node-b", m_portB, accept(sourcePortB)), QStringLiteral("b.xml"));
        QVERIFY(m_a && m_b);
        WsClient onA(QStringLiteral("ws://127.0.0.1:%1/b").arg(m_portA));
        WsClient onB(QStringLiteral("ws://127.0.0.1:%1/b").arg(m_portB));
        QTcpSocket publisher;
        publisher.connectToHost(QHostAddress::LocalHost, sourcePortB);
        QVERIFY(QTest::qWaitFor([&] { return publisher.state() == QAbstractSocket::ConnectedState; }, 5000));
        QVERIFY(QTest::qWaitFor([&] {
            publisher.write("probe\n");
            return onA.messages.contains(QStringLiteral("probe"));
        }, 15000));
        publisher.write("from a source on b\n");
        QVERIFY(onA.receivedOnce(QStringLiteral("from a source on b")));
        QVERIFY(onB.receivedOnce(QStringLiteral("from a source on b")));
        // A client's message on node a reaches the client on node b, and not its sender.
        onA.socket.sendTextMessage(QStringLiteral("from a client on a"));
        QVERIFY(onB.receivedOnce(QStringLiteral("from a client on a")));
        QVERIFY(!onA.messages.contains(QStringLiteral("from a client on a")));
    }

    void redisDownEachNodeServesItsOwnThenRecovers()
    {
        TcpSource source;
        const QByteArray connect = "<connect>" + source.url().toUtf8() + "</connect><properties>"
                                   "<source.framing>newline</source.framing><reconnect.delay>100</reconnect.delay>"
                                   "</properties>";
        m_a = startNode(config("node-a", m_portA, connect), QStringLiteral("a.xml"));
        m_b = startNode(config("node-b", m_portB, connect), QStringLiteral("b.xml"));
        QVERIFY(m_a && m_b);
        WsClient onA(QStringLiteral("ws://127.0.0.1:%1/b").arg(m_portA));
        WsClient onB(QStringLiteral("ws://127.0.0.1:%1/b").arg(m_portB));
        QVERIFY(QTest::qWaitFor([&] {
            source.write("probe\n");
            return source.sockets.size() == 1 && onA.messages.contains(QStringLiteral("probe"))
                && onB.messages.contains(QStringLiteral("probe"));
        }, 15000));

        // Redis goes away: both nodes connect the source themselves; each client gets each
        // message once, from its own node.
        stopRedis();
        QVERIFY(QTest::qWaitFor([&] { return source.sockets.size() == 2; }, 15000));
        source.write("while redis is down\n");
        QVERIFY(onA.receivedOnce(QStringLiteral("while redis is down")));
        QVERIFY(onB.receivedOnce(QStringLiteral("while redis is down")));
        QCOMPARE(onA.socket.state(), QAbstractSocket::ConnectedState);
        QCOMPARE(onB.socket.state(), QAbstractSocket::ConnectedState);

        // Redis comes back on the same port: one node keeps the source, the cluster is whole.
        QVERIFY(startRedis());
        QVERIFY(QTest::qWaitFor([&] { return source.sockets.size() == 1; }, 30000));
        QVERIFY(QTest::qWaitFor([&] {
            source.write("probe again\n");
            return onA.messages.contains(QStringLiteral("probe again")) && onB.messages.contains(QStringLiteral("probe again"));
        }, 30000));
        QTest::qWait(300);
        source.write("after redis is back\n");
        QVERIFY(onA.receivedOnce(QStringLiteral("after redis is back")));
        QVERIFY(onB.receivedOnce(QStringLiteral("after redis is back")));
    }

    void singleSignOnAcrossNodesAndLogoutEverywhere()
    {
        // Both nodes sign cookies with one key file; a login on a is a login on b, and a
        // logout on a is a logout on b.
        const QByteArray password = "correct horse battery staple";
        const auto hash = Auth::PasswordHasher::hash(password);
        QVERIFY(hash);
        QFile users(m_dir.filePath(QStringLiteral("users.xml")));
        QVERIFY(users.open(QIODevice::WriteOnly | QIODevice::Truncate));
        users.write("<jaas-config><user><name>alice</name><password>" + *hash
                    + "</password><role-name>AUTHORIZED</role-name></user></jaas-config>\n");
        users.close();
        QFile key(m_dir.filePath(QStringLiteral("sso.key")));
        QVERIFY(key.open(QIODevice::WriteOnly | QIODevice::Truncate));
        key.write(QByteArray(48, 'k') + "0123456789\n");
        key.close();
        const auto node = [&](const QByteArray &name, quint16 port) -> QByteArray {
            const QByteArray p = QByteArray::number(port);
            return "<gateway-config>\n"
                   "<service><name>chat</name><accept>ws://localhost:" + p + "/chat</accept><type>echo</type>"
                   "<realm-name>sso</realm-name></service>\n"
                   "<service><name>login</name><accept>http://localhost:" + p + "/login</accept><type>login</type>"
                   "<realm-name>sso</realm-name></service>\n"
                   "<security><realm><name>sso</name><authentication><http-challenge-scheme>Basic</http-challenge-scheme>"
                   "<authorization-mode>recycle</authorization-mode><session-cookie><key-file>sso.key</key-file>"
                   "</session-cookie><login-modules><login-module><type>file</type><options><file>users.xml</file>"
                   "</options></login-module></login-modules></authentication></realm></security>\n"
                   "<cluster><name>" + name + "</name><connect>redis://127.0.0.1:" + QByteArray::number(m_redisPort)
                + "</connect><password-file>redis.pw</password-file></cluster>\n</gateway-config>\n";
        };
        m_a = startNode(node("node-a", m_portA), QStringLiteral("a.xml"));
        m_b = startNode(node("node-b", m_portB), QStringLiteral("b.xml"));
        QVERIFY(m_a && m_b);
        const auto handshake = [](quint16 port, const QByteArray &headers) {
            auto client = std::make_unique<Testing::RawClient>(port);
            client->exchange(Testing::request("GET", "/chat", Testing::kUpgrade + "Sec-WebSocket-Version: 13\r\n" + headers));
            return client;
        };
        auto login = handshake(m_portA, "Authorization: Basic " + QByteArray("alice:" + password).toBase64() + "\r\n");
        QCOMPARE(login->status(), 101);
        const QByteArray setCookie = login->headerValue("Set-Cookie");
        const QByteArray cookie = "Cookie: " + setCookie.left(setCookie.indexOf(';')) + "\r\n";
        QVERIFY(cookie.startsWith("Cookie: postern-sso-sso="));
        QCOMPARE(handshake(m_portB, cookie)->status(), 101);          // honoured on the other node
        QCOMPARE(handshake(m_portB, {})->status(), 401);               // and needed there

        // Log out on a (as a page does: the login service, same origin, the marker header).
        // Both nodes are in the cluster (and so subscribed) before the logout is announced.
        QVERIFY(QTest::qWaitFor([&] { return m_a->cluster() && m_a->cluster()->isUp() && m_b->cluster()->isUp(); }, 10000));
        Testing::RawClient out(m_portA);
        QVERIFY(out.exchange(Testing::request("DELETE", "/login", "Origin: http://localhost:" + QByteArray::number(m_portA)
                                                  + "\r\nPostern-Login: 1\r\n" + cookie)));
        QCOMPARE(out.status(), 200);
        QCOMPARE(handshake(m_portA, cookie)->status(), 401);
        QVERIFY(QTest::qWaitFor([&] { return handshake(m_portB, cookie)->status() == 401; }, 5000));
    }

    void wrongPasswordIsLoggedAndTheNodeStillServes()
    {
        QFile wrong(m_dir.filePath(QStringLiteral("wrong.pw")));
        QVERIFY(wrong.open(QIODevice::WriteOnly | QIODevice::Truncate));
        wrong.write("not-the-password\n");
        wrong.close();
        TcpSource source;
        QByteArray xml = config("node-a", m_portA, "<connect>" + source.url().toUtf8() + "</connect><properties>"
                                                   "<source.framing>newline</source.framing></properties>");
        xml.replace("redis.pw", "wrong.pw");
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("AUTH refused")));
        m_a = startNode(xml, QStringLiteral("a.xml"));
        QVERIFY(m_a);
        WsClient client(QStringLiteral("ws://127.0.0.1:%1/b").arg(m_portA));
        QVERIFY(QTest::qWaitFor([&] { return source.sockets.size() == 1; }, 10000));
        source.write("alone\n");
        QVERIFY(QTest::qWaitFor([&] { return !client.messages.isEmpty(); }, 10000));
    }

    void managementSeesEveryNodeAndItsSessions()
    {
        QVERIFY(startManagedNodes());
        WsClient onA(QStringLiteral("ws://127.0.0.1:%1/e").arg(m_portA));
        WsClient onB(QStringLiteral("ws://127.0.0.1:%1/e").arg(m_portB));
        Console console(m_manageA, adminCredentials());
        QVERIFY(console.opened);
        QTRY_COMPARE_WITH_TIMEOUT(nodeNames(console), (QStringList{QStringLiteral("node-a"), QStringLiteral("node-b")}), 10000);
        const QJsonArray nodes = console.result(QStringLiteral("cluster.nodes")).value(u"nodes").toArray();
        const QJsonObject a = nodes.at(0).toObject(), b = nodes.at(1).toObject();
        QCOMPARE(a.value(u"self").toBool(), true);
        QCOMPARE(b.value(u"self").toBool(), false);
        QCOMPARE(b.value(u"upSince").toString(), m_b->startedAt().toString(Qt::ISODateWithMs));
        QVERIFY(QDateTime::fromString(b.value(u"lastSeen").toString(), Qt::ISODateWithMs).isValid());
        QTRY_COMPARE_WITH_TIMEOUT(console.result(QStringLiteral("cluster.nodes")).value(u"nodes").toArray().at(1)
                                      .toObject().value(u"sessions").toInt(), 1, 10000);

        // Each node's echo session, each marked with its node; ids are per node.
        QTRY_COMPARE_WITH_TIMEOUT(echoSessions(console).size(), 2, 10000);
        const QStringList sessions = echoSessions(console);
        QCOMPARE(sessions.filter(QStringLiteral("node-a/")).size(), 1);
        QCOMPARE(sessions.filter(QStringLiteral("node-b/")).size(), 1);
        // The default scope is this node only, as before.
        const QJsonArray local = console.result(QStringLiteral("sessions.list"), {{QStringLiteral("service"), QStringLiteral("e")}})
                                     .value(u"sessions").toArray();
        QCOMPARE(local.size(), 1);
        QVERIFY(!local.first().toObject().contains(u"node"));
        QCOMPARE(errorCode(console.call(QStringLiteral("sessions.list"), {{QStringLiteral("scope"), QStringLiteral("world")}})),
                 QStringLiteral("invalid-params"));
    }

    void closingASessionOnAnotherNode()
    {
        QVERIFY(startManagedNodes());
        WsClient onB(QStringLiteral("ws://127.0.0.1:%1/e").arg(m_portB));
        QSignalSpy closed(&onB.socket, &QWebSocket::disconnected);
        Console console(m_manageA, adminCredentials());
        QVERIFY(console.opened);
        QTRY_COMPARE_WITH_TIMEOUT(echoSessions(console).filter(QStringLiteral("node-b/")).size(), 1, 10000);
        const double id = echoSessions(console).filter(QStringLiteral("node-b/")).first().section(u'/', 1).toDouble();

        // Node b logs who closed what, as a local close is logged.
        QTest::ignoreMessage(QtInfoMsg, QRegularExpression(QStringLiteral(
                                            "'admin' from 127\\.0\\.0\\.1:\\d+ through node 'node-a': sessions\\.close .*closed.*%1")
                                                               .arg(qint64(id))));
        const QJsonObject answer = console.result(QStringLiteral("sessions.close"),
                                                  {{QStringLiteral("node"), QStringLiteral("node-b")},
                                                   {QStringLiteral("ids"), QJsonArray{id, 999999}},
                                                   {QStringLiteral("code"), 4001},
                                                   {QStringLiteral("reason"), QStringLiteral("maintenance")}});
        QCOMPARE(answer.value(u"node").toString(), QStringLiteral("node-b"));
        QCOMPARE(answer.value(u"reachable").toBool(), true);
        QCOMPARE(answer.value(u"closed").toArray(), QJsonArray{id});
        QCOMPARE(answer.value(u"unknown").toArray(), QJsonArray{999999});
        QTRY_VERIFY_WITH_TIMEOUT(!closed.isEmpty(), 5000);
        QCOMPARE(int(onB.socket.closeCode()), 4001);
        QCOMPARE(onB.socket.closeReason(), QStringLiteral("maintenance"));

        // Bad params are refused here, before any node is asked.
        QCOMPARE(errorCode(console.call(QStringLiteral("sessions.close"), {{QStringLiteral("node"), 7},
                                                                          {QStringLiteral("ids"), QJsonArray{1}}})),
                 QStringLiteral("invalid-params"));
        QCOMPARE(errorCode(console.call(QStringLiteral("sessions.close"), {{QStringLiteral("node"), QStringLiteral("node-b")}})),
                 QStringLiteral("invalid-params"));
        QCOMPARE(errorCode(console.call(QStringLiteral("sessions.close"), {{QStringLiteral("node"), QStringLiteral("node-b")},
                                                                          {QStringLiteral("ids"), QJsonArray{1}},
                                                                          {QStringLiteral("code"), 1005}})),
                 QStringLiteral("invalid-params"));
        const QJsonObject nowhere = console.call(QStringLiteral("sessions.close"), {{QStringLiteral("node"), QStringLiteral("node-z")},
                                                                                   {QStringLiteral("ids"), QJsonArray{1}}});
        QCOMPARE(errorCode(nowhere), QStringLiteral("not-found"));
        QVERIFY(nowhere.value(u"error").toObject().value(u"message").toString().contains(u"node-z"));
    }

    void aNodeThatStopsIsUnreachableThenLeavesTheView()
    {
        QVERIFY(startManagedNodes());
        Console console(m_manageA, adminCredentials());
        QVERIFY(console.opened);
        QTRY_COMPARE_WITH_TIMEOUT(nodeNames(console), (QStringList{QStringLiteral("node-a"), QStringLiteral("node-b")}), 10000);
        m_b.reset();
        // Its summary lasts a few seconds more: a close sent to it then gets no answer.
        const QJsonObject answer = console.result(QStringLiteral("sessions.close"), {{QStringLiteral("node"), QStringLiteral("node-b")},
                                                                                    {QStringLiteral("ids"), QJsonArray{1}}});
        QCOMPARE(answer.value(u"node").toString(), QStringLiteral("node-b"));
        QCOMPARE(answer.value(u"reachable").toBool(), false);
        QCOMPARE(answer.value(u"closed").toArray(), QJsonArray());
        QTRY_COMPARE_WITH_TIMEOUT(nodeNames(console), QStringList{QStringLiteral("node-a")}, 15000);
    }

    void redisDownTheClusterViewSaysSoAndLocalManagementGoesOn()
    {
        m_a = startNode(managedConfig("node-a", m_portA, m_manageA), QStringLiteral("a.xml"));
        QVERIFY(m_a);
        WsClient onA(QStringLiteral("ws://127.0.0.1:%1/e").arg(m_portA));
        QSignalSpy closed(&onA.socket, &QWebSocket::disconnected);
        Console console(m_manageA, adminCredentials());
        QVERIFY(console.opened);
        QTRY_COMPARE_WITH_TIMEOUT(nodeNames(console), QStringList{QStringLiteral("node-a")}, 10000);
        stopRedis();
        QTRY_COMPARE_WITH_TIMEOUT(nodeNames(console), QStringList{QStringLiteral("error: unavailable")}, 10000);
        const QJsonObject answer = console.call(QStringLiteral("sessions.list"), {{QStringLiteral("scope"), QStringLiteral("cluster")}});
        QCOMPARE(errorCode(answer), QStringLiteral("unavailable"));
        QVERIFY2(answer.value(u"error").toObject().value(u"message").toString().contains(u"cannot reach Redis"),
                 qPrintable(answer.value(u"error").toObject().value(u"message").toString()));
        // This node's own sessions are still listed and closed.
        const QJsonArray local = console.result(QStringLiteral("sessions.list"), {{QStringLiteral("service"), QStringLiteral("e")}})
                                     .value(u"sessions").toArray();
        QCOMPARE(local.size(), 1);
        const QJsonObject done = console.result(QStringLiteral("sessions.close"),
                                                {{QStringLiteral("node"), QStringLiteral("node-a")},
                                                 {QStringLiteral("ids"), QJsonArray{local.first().toObject().value(u"id")}}});
        QCOMPARE(done.value(u"closed").toArray().size(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(!closed.isEmpty(), 5000);
        QCOMPARE(errorCode(console.call(QStringLiteral("sessions.close"), {{QStringLiteral("node"), QStringLiteral("node-b")},
                                                                          {QStringLiteral("ids"), QJsonArray{1}}})),
                 QStringLiteral("unavailable"));
    }

    void consoleModelsShowTheClusterAndCloseOnAnotherNode()
    {
        QVERIFY(startManagedNodes());
        WsClient onB(QStringLiteral("ws://127.0.0.1:%1/e").arg(m_portB));
        QSignalSpy closed(&onB.socket, &QWebSocket::disconnected);

        Admin::ManagementClient client;
        Postern::Client::ConnectOptions options;
        const QString password = QString::fromUtf8(m_adminPassword);
        options.challengeHandler = std::make_shared<Postern::Client::BasicChallengeHandler>(
            [password](const Postern::Client::Challenge &challenge, Postern::Client::BasicChallengeHandler::CredentialsReply reply) {
                reply(challenge.attempt > 1 ? std::nullopt
                                            : std::optional(Postern::Client::Credentials{QStringLiteral("admin"), password}));
            });
        QSignalSpy connected(&client, &Admin::ManagementClient::connected);
        client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/manage").arg(m_manageA)), options);
        QVERIFY(connected.wait(10000));

        Admin::ClusterNodeModel nodes(&client);
        QTRY_COMPARE_WITH_TIMEOUT(nodes.rowCount(), 2, 15000);
        QCOMPARE(nodes.localNode(), QStringLiteral("node-a"));
        QTRY_VERIFY2_WITH_TIMEOUT(nodes.summary().contains(u"node-b: 1 session"), qPrintable(nodes.summary()), 15000);

        Admin::SessionModel sessions(&client);
        sessions.setLocalNode(nodes.localNode());
        QTRY_VERIFY_WITH_TIMEOUT(sessions.rowCount() >= 1, 10000); // this node's own: the console
        QCOMPARE(sessions.index(0, Admin::SessionModel::Node).data().toString(), QStringLiteral("node-a"));
        QCOMPARE(sessions.find(QStringLiteral("service"), QStringLiteral("e")), -1);
        sessions.setScope(Admin::SessionModel::Scope::Cluster);
        QTRY_VERIFY_WITH_TIMEOUT(sessions.find(QStringLiteral("service"), QStringLiteral("e")) >= 0, 10000);
        const int row = sessions.find(QStringLiteral("service"), QStringLiteral("e"));
        QCOMPARE(sessions.index(row, Admin::SessionModel::Node).data().toString(), QStringLiteral("node-b"));
        QCOMPARE(sessions.sessionNode(row), QStringLiteral("node-b"));

        QSignalSpy finished(&sessions, &Admin::SessionModel::closeFinished);
        sessions.closeOnNodes({{sessions.sessionNode(row), sessions.sessionId(row)}}, QStringLiteral("from the console"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        QCOMPARE(finished.first().at(0).toInt(), 1);
        QCOMPARE(finished.first().at(1).toInt(), 0);
        QCOMPARE(finished.first().at(2).toStringList(), QStringList());
        QTRY_VERIFY_WITH_TIMEOUT(!closed.isEmpty(), 5000);
        QCOMPARE(onB.socket.closeReason(), QStringLiteral("from the console"));
        QTRY_COMPARE_WITH_TIMEOUT(sessions.find(QStringLiteral("service"), QStringLiteral("e")), -1, 10000);
    }

    void withoutAClusterTheClusterOperationsSaySo()
    {
        QByteArray xml = managedConfig("node-a", m_portA, m_manageA);
        xml.remove(xml.indexOf("<cluster>"), xml.indexOf("</cluster>") + int(qstrlen("</cluster>")) - xml.indexOf("<cluster>"));
        m_a = startNode(xml, QStringLiteral("a.xml"));
        QVERIFY(m_a);
        Console console(m_manageA, adminCredentials());
        QVERIFY(console.opened);
        const QJsonObject nodes = console.call(QStringLiteral("cluster.nodes"));
        QCOMPARE(errorCode(nodes), QStringLiteral("unavailable"));
        QVERIFY(nodes.value(u"error").toObject().value(u"message").toString().contains(u"not in a cluster"));
        QCOMPARE(errorCode(console.call(QStringLiteral("sessions.list"), {{QStringLiteral("scope"), QStringLiteral("cluster")}})),
                 QStringLiteral("unavailable"));
        QCOMPARE(errorCode(console.call(QStringLiteral("sessions.close"), {{QStringLiteral("node"), QStringLiteral("node-b")},
                                                                          {QStringLiteral("ids"), QJsonArray{1}}})),
                 QStringLiteral("unavailable"));
        QVERIFY(console.call(QStringLiteral("sessions.list")).contains(u"result"));
    }

    void anEmptyPasswordFileIsRefusedOnReload()
    {
        m_a = startNode(managedConfig("node-a", m_portA, m_manageA), QStringLiteral("a.xml"));
        QVERIFY(m_a);
        QTRY_VERIFY_WITH_TIMEOUT(m_a->cluster()->isUp(), 10000);
        const Cluster::ClusterNode *running = m_a->cluster();
        QFile empty(m_dir.filePath(QStringLiteral("empty.pw")));
        QVERIFY(empty.open(QIODevice::WriteOnly | QIODevice::Truncate));
        empty.close();
        QFile changed(m_dir.filePath(QStringLiteral("a.xml")));
        QVERIFY(changed.open(QIODevice::WriteOnly | QIODevice::Truncate));
        changed.write(managedConfig("node-a", m_portA, m_manageA).replace("redis.pw", "empty.pw"));
        changed.close();
        const auto reloaded = m_a->reload(changed.fileName());
        QVERIFY(!reloaded);
        QVERIFY2(reloaded.error().join(u'\n').contains(QStringLiteral("cluster password file '%1' is empty").arg(empty.fileName())),
                 qPrintable(reloaded.error().join(u'\n')));
        // The running node is left as it was.
        QCOMPARE(m_a->cluster(), running);
        QVERIFY(m_a->cluster()->isUp());
    }

    void aRedisCertificateThatFailsVerificationIsRetriedNeverPlain()
    {
        // A "Redis" over TLS whose certificate comes from a CA the truststore does not hold.
        Testing::TestPki trusted, stranger;
        Tls::Keystore truststore;
        truststore.insert(Tls::KeystoreEntry(QStringLiteral("redis-ca"), nullptr, {trusted.caCertificateHandle()}));
        QVERIFY(truststore.save(m_dir.filePath(QStringLiteral("truststore.p12")), "trust-pw"));
        QFile trustPassword(m_dir.filePath(QStringLiteral("truststore.pw")));
        QVERIFY(trustPassword.open(QIODevice::WriteOnly | QIODevice::Truncate) && trustPassword.write("trust-pw\n") > 0);
        trustPassword.close();
        const Tls::KeystoreEntry certificate = stranger.serverEntry(QStringLiteral("redis"), {QStringLiteral("localhost")});
        QSslServer server;
        QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
        configuration.setLocalCertificateChain(certificate.certificateChain());
        configuration.setPrivateKey(certificate.privateKey());
        server.setSslConfiguration(configuration);
        int handshakes = 0;
        int completed = 0;
        QObject::connect(&server, &QSslServer::startedEncryptionHandshake, &server, [&](QSslSocket *) { ++handshakes; });
        QObject::connect(&server, &QSslServer::pendingConnectionAvailable, &server, [&] {
            while (QTcpSocket *socket = server.nextPendingConnection()) {
                ++completed; // a handshake the node accepted: it must never happen
                socket->deleteLater();
            }
        });
        QObject::connect(&server, &QSslServer::errorOccurred, &server, [](QSslSocket *, QAbstractSocket::SocketError) {});
        QVERIFY(server.listen(QHostAddress::LocalHost));

        // The first failure of each connection (commands, subscriber) is a warning naming TLS.
        const QRegularExpression tlsError(QStringLiteral("cluster node 'node-a' \\((commands|subscriber)\\): rediss://127\\.0\\.0\\.1:%1 "
                                                         "unavailable: TLS: .*; next attempt in 500 ms").arg(server.serverPort()));
        QTest::ignoreMessage(QtWarningMsg, tlsError);
        QTest::ignoreMessage(QtWarningMsg, tlsError);
        m_a = startNode("<gateway-config>\n<service><name>e</name><accept>ws://127.0.0.1:" + QByteArray::number(m_portA)
                            + "/e</accept><type>echo</type></service>\n<security><truststore><file>truststore.p12</file>"
                              "<password-file>truststore.pw</password-file></truststore></security>\n"
                              "<cluster><name>node-a</name><connect>rediss://127.0.0.1:" + QByteArray::number(server.serverPort())
                            + "</connect></cluster>\n</gateway-config>\n",
                        QStringLiteral("a.xml"));
        QVERIFY(m_a);
        // Tried again (both connections, after 0.5 s), each time over TLS and refused.
        QTRY_VERIFY_WITH_TIMEOUT(handshakes >= 4, 10000);
        QCOMPARE(completed, 0);
        QVERIFY(!m_a->cluster()->isUp());
        // The node serves its own clients meanwhile.
        WsClient client(QStringLiteral("ws://127.0.0.1:%1/e").arg(m_portA));
        QCOMPARE(client.socket.state(), QAbstractSocket::ConnectedState);
        QFile::remove(m_dir.filePath(QStringLiteral("truststore.p12")));
    }

    void clusterErrorsNameTheProblem_data()
    {
        QTest::addColumn<QByteArray>("cluster");
        QTest::addColumn<QString>("error");
        QTest::newRow("no name") << QByteArray("<cluster><connect>redis://127.0.0.1:6379</connect></cluster>")
                                 << QStringLiteral("<cluster> needs a <name>");
        QTest::newRow("bad name") << QByteArray("<cluster><name>a b</name><connect>redis://127.0.0.1</connect></cluster>")
                                  << QStringLiteral("cluster name 'a b' must be");
        QTest::newRow("no connect") << QByteArray("<cluster><name>a</name></cluster>")
                                    << QStringLiteral("<cluster> needs a <connect> naming the Redis server");
        QTest::newRow("not redis") << QByteArray("<cluster><name>a</name><connect>tcp://127.0.0.1:1</connect></cluster>")
                                   << QStringLiteral("is not redis://host:port or rediss://host:port");
        QTest::newRow("password in url")
            << QByteArray("<cluster><name>a</name><connect>redis://:secret@127.0.0.1</connect></cluster>")
            << QStringLiteral("put the password in <password-file>");
        QTest::newRow("missing password file")
            << QByteArray("<cluster><name>a</name><connect>redis://127.0.0.1</connect><password-file>nope.pw</password-file></cluster>")
            << QStringLiteral("cluster password file");
        QTest::newRow("kaazing accept")
            << QByteArray("<cluster><name>a</name><accept>tcp://0.0.0.0:46464</accept><connect>redis://127.0.0.1</connect></cluster>")
            << QStringLiteral("Postern's nodes meet through Redis");
        QTest::newRow("rediss without truststore")
            << QByteArray("<cluster><name>a</name><connect>rediss://127.0.0.1</connect></cluster>")
            << QStringLiteral("rediss:// connection is verified against <security><truststore>");
    }

    void clusterErrorsNameTheProblem()
    {
        QFETCH(QByteArray, cluster);
        QFETCH(QString, error);
        const QStringList errors = errorsOf(cluster);
        QVERIFY2(std::any_of(errors.cbegin(), errors.cend(), [&](const QString &e) { return e.contains(error); }),
                 qPrintable(errors.join(u'\n')));
    }
};

QTEST_GUILESS_MAIN(TestCluster)
#include "tst_cluster.moc"
