// Two gateways as one cluster, in one process, meeting through a real redis-server the test
// starts on a free port: a broadcast reaches clients on both nodes once each, with one node
// connected to the source; a source connecting in to either node reaches both; Redis stopped
// leaves each node serving its own clients from its own source connection; Redis started again
// brings the cluster back without restarting the gateways. And the <cluster> errors.

#include "app/gateway.h"
#include "auth/passwordhasher.h"
#include "broadcast/broadcasthub.h"
#include "cluster/clusternode.h"
#include "config/configloader.h"
#include "sessions/sessionregistry.h"
#include "rawclient.h"
#include "testpki.h"

#include <QProcess>
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

class Client
{
public:
    explicit Client(const QString &url)
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
    }

    void init()
    {
        m_redisPort = Testing::freePort();
        m_portA = Testing::freePort();
        m_portB = Testing::freePort();
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
        Client onA(QStringLiteral("ws://127.0.0.1:%1/b").arg(m_portA));
        Client onB(QStringLiteral("ws://127.0.0.1:%1/b").arg(m_portB));
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
        Client onA(QStringLiteral("ws://127.0.0.1:%1/b").arg(m_portA));
        Client onB(QStringLiteral("ws://127.0.0.1:%1/b").arg(m_portB));
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
        Client onA(QStringLiteral("ws://127.0.0.1:%1/b").arg(m_portA));
        Client onB(QStringLiteral("ws://127.0.0.1:%1/b").arg(m_portB));
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
        Client client(QStringLiteral("ws://127.0.0.1:%1/b").arg(m_portA));
        QVERIFY(QTest::qWaitFor([&] { return source.sockets.size() == 1; }, 10000));
        source.write("alone\n");
        QVERIFY(QTest::qWaitFor([&] { return !client.messages.isEmpty(); }, 10000));
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
