// The broadcast service end to end, on an in-process gateway: sources the test runs (a TCP
// server, a WebSocket server from Qt's own implementation, sources that connect in), clients
// that read (QWebSocket) and a raw client that does not, reconnection, reloads, and the
// configuration errors a broadcast service can have.

#include "app/gateway.h"
#include "config/configloader.h"
#include "metrics.h"
#include "sessions/sessionregistry.h"
#include "sessions/websocketsession.h"
#include "rawclient.h"
#include "testpki.h"

#include <QTcpServer>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QWebSocketServer>
#include <QtEndian>
#include <QtTest>

#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

using namespace Postern;

namespace {

// A TCP source: the gateway connects to it; it writes what the test says to every connection.
class TcpSource : public QObject
{
public:
    explicit TcpSource(quint16 port = 0)
    {
        QObject::connect(&server, &QTcpServer::pendingConnectionAvailable, this, [this] {
            while (QTcpSocket *socket = server.nextPendingConnection()) {
                ++accepted;
                sockets.append(socket);
            }
        });
        if (!server.listen(QHostAddress::LocalHost, port))
            qFatal("source cannot listen");
    }
    quint16 port() const { return server.serverPort(); }
    QString url() const { return QStringLiteral("tcp://127.0.0.1:%1").arg(port()); }
    bool waitForConnection(int count = 1) { return QTest::qWaitFor([&] { return accepted >= count; }, 10000); }
    void write(const QByteArray &data)
    {
        for (QTcpSocket *socket : std::as_const(sockets))
            if (socket)
                socket->write(data);
    }
    void dropAll()
    {
        for (QTcpSocket *socket : std::as_const(sockets))
            if (socket)
                socket->disconnectFromHost();
        sockets.clear();
    }

    QTcpServer server;
    QList<QPointer<QTcpSocket>> sockets;
    int accepted = 0;
};

// Collects what a QWebSocket client receives, in order, text and binary alike.
class Client
{
public:
    explicit Client(const QString &url)
    {
        socket.setMaxAllowedIncomingMessageSize(64 * 1024 * 1024);
        QObject::connect(&socket, &QWebSocket::textMessageReceived, &socket,
                         [this](const QString &text) { messages.append({true, text.toUtf8()}); bytes += text.toUtf8().size(); });
        QObject::connect(&socket, &QWebSocket::binaryMessageReceived, &socket,
                         [this](const QByteArray &data) { messages.append({false, data}); bytes += data.size(); });
        QSignalSpy connected(&socket, &QWebSocket::connected);
        socket.open(QUrl(url));
        if (!connected.wait(10000))
            qWarning() << "could not open" << url << socket.errorString();
    }
    bool waitForMessages(qsizetype count) { return QTest::qWaitFor([&] { return messages.size() >= count; }, 10000); }
    bool waitForBytes(qint64 count) { return QTest::qWaitFor([&] { return bytes >= count; }, 30000); }
    int waitForClose()
    {
        if (socket.state() != QAbstractSocket::UnconnectedState) {
            QSignalSpy disconnected(&socket, &QWebSocket::disconnected);
            if (!disconnected.wait(10000))
                return -1;
        }
        return socket.closeCode();
    }

    struct Message
    {
        bool text;
        QByteArray payload;
    };
    QWebSocket socket;
    QList<Message> messages;
    qint64 bytes = 0;
};

// A client that completes the handshake and then reads nothing, over a socket with a small
// receive buffer, until read() is called: the slow consumer.
class StalledClient
{
public:
    StalledClient(quint16 port, const QByteArray &path)
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        const int size = 4096;
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
            ::close(fd);
            return;
        }
        socket.setSocketDescriptor(fd);
        socket.setReadBufferSize(4096);
        socket.write(Testing::request("GET", path, Testing::kUpgrade + "Sec-WebSocket-Version: 13\r\n"));
        if (!QTest::qWaitFor([&] { return socket.peek(4096).contains("\r\n\r\n"); }, 5000))
            return;
        upgraded = socket.peek(12) == "HTTP/1.1 101";
        socket.read(socket.peek(4096).indexOf("\r\n\r\n") + 4);
    }

    // Reads what has arrived and parses whole frames (unmasked, from a server).
    void read()
    {
        stream += socket.readAll();
        for (;;) {
            if (stream.size() < 2)
                return;
            const quint8 length = quint8(stream[1]) & 0x7F;
            const int header = length == 126 ? 4 : length == 127 ? 10 : 2;
            if (stream.size() < header)
                return;
            qint64 size = length;
            if (length == 126)
                size = quint8(stream[2]) << 8 | quint8(stream[3]);
            else if (length == 127)
                size = qint64(qFromBigEndian<quint64>(stream.constData() + 2));
            if (stream.size() < header + size)
                return;
            if ((quint8(stream[0]) & 0x0F) == 0x8)
                closeCode = size >= 2 ? (quint8(stream[header]) << 8 | quint8(stream[header + 1])) : 1005;
            else
                payloads.append(stream.mid(header, size));
            stream.remove(0, header + size);
        }
    }

    QTcpSocket socket;
    QByteArray stream;
    QList<QByteArray> payloads;
    bool upgraded = false;
    int closeCode = 0;
};

} // namespace

class TestBroadcast : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    quint16 m_port = 0;
    std::unique_ptr<App::Gateway> m_gateway;
    Config::GatewayConfig m_config;

    QString url(const QString &path = QStringLiteral("b")) const
    {
        return QStringLiteral("ws://127.0.0.1:%1/%2").arg(m_port).arg(path);
    }

    QString writeConfig(const QByteArray &services)
    {
        const QString path = m_dir.filePath(QStringLiteral("gateway-config.xml"));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        file.write("<gateway-config>\n" + services + "</gateway-config>\n");
        return path;
    }

    // One broadcast service "b" on ws://127.0.0.1:port/b; `source` is a <connect> URL, or
    // empty when `properties` name an accept.
    QByteArray service(const QString &source, const QByteArray &properties = {}, const QByteArray &name = "b")
    {
        QByteArray xml = "<service><name>" + name + "</name><accept>ws://127.0.0.1:" + QByteArray::number(m_port) + "/" + name
            + "</accept>";
        if (!source.isEmpty())
            xml += "<connect>" + source.toUtf8() + "</connect>";
        xml += "<type>broadcast</type>";
        if (!properties.isEmpty())
            xml += "<properties>" + properties + "</properties>";
        return xml + "</service>\n";
    }

    bool start(const QByteArray &services)
    {
        m_gateway.reset();
        const auto config = Config::ConfigLoader::loadFile(writeConfig(services));
        if (!config) {
            qWarning() << config.error().first().toString();
            return false;
        }
        m_config = *config;
        m_gateway = std::make_unique<App::Gateway>();
        const auto applied = m_gateway->apply(*config);
        if (!applied)
            qWarning() << applied.error();
        return bool(applied);
    }

    QStringList configErrors(const QByteArray &services)
    {
        const auto config = Config::ConfigLoader::loadFile(writeConfig(services));
        QStringList errors;
        if (!config)
            for (const auto &error : config.error())
                errors << error.toString();
        return errors;
    }

    Sessions::WebSocketSession *sessionFrom(quint16 clientPort) const
    {
        for (auto *session : m_gateway->sessions()->sessions())
            if (session->connection().peerPort == clientPort)
                return session;
        return nullptr;
    }

    quint64 broadcastEvents(const QString &event) const
    {
        const QByteArray metrics = m_gateway->metrics()->prometheus(*m_gateway->sessions(), {});
        const QByteArray key = "postern_broadcast_events_total{service=\"b\",event=\"" + event.toUtf8() + "\"} ";
        const qsizetype at = metrics.indexOf(key);
        return at < 0 ? 0 : metrics.mid(at + key.size(), metrics.indexOf('\n', at) - at - key.size()).toULongLong();
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_port = Testing::freePort();
    }

    void cleanup() { m_gateway.reset(); }

    void tcpSourceReachesEveryClient()
    {
        TcpSource source;
        QVERIFY(start(service(source.url())));
        QVERIFY(source.waitForConnection());
        Client a(url()), b(url()), c(url());
        QVERIFY(QTest::qWaitFor([&] { return m_gateway->sessions()->count() == 3; }, 5000));
        source.write("hello, everyone");
        for (Client *client : {&a, &b, &c}) {
            QVERIFY(client->waitForMessages(1));
            QCOMPARE(client->messages.first().text, false); // read framing: binary
            QCOMPARE(client->messages.first().payload, QByteArray("hello, everyone"));
        }
        QCOMPARE(sessionFrom(a.socket.localPort())->backend(), source.url());
        QCOMPARE(source.accepted, 1); // one source connection, whatever the number of clients
    }

    void newlineFramingMakesOneMessagePerLine()
    {
        TcpSource source;
        QVERIFY(start(service(source.url(), "<source.framing>newline</source.framing>")));
        QVERIFY(source.waitForConnection());
        Client client(url());
        QVERIFY(QTest::qWaitFor([&] { return m_gateway->sessions()->count() == 1; }, 5000));
        source.write("one\r\ntw");
        QVERIFY(client.waitForMessages(1));
        source.write("o\n\xff\xfe\n");
        QVERIFY(client.waitForMessages(3));
        QCOMPARE(client.messages[0].payload, QByteArray("one"));
        QVERIFY(client.messages[0].text);
        QCOMPARE(client.messages[1].payload, QByteArray("two")); // joined across reads
        QVERIFY(client.messages[1].text);
        QCOMPARE(client.messages[2].payload, QByteArray("\xff\xfe")); // not UTF-8: binary
        QVERIFY(!client.messages[2].text);
    }

    void overlongLineDropsTheSourceConnection()
    {
        TcpSource source;
        QVERIFY(start(service(source.url(), "<source.framing>newline</source.framing>"
                                            "<source.maximum.message.size>16</source.maximum.message.size>"
                                            "<reconnect.delay>50</reconnect.delay>")));
        QVERIFY(source.waitForConnection());
        Client client(url());
        QVERIFY(QTest::qWaitFor([&] { return m_gateway->sessions()->count() == 1; }, 5000));
        source.write(QByteArray(40, 'x'));
        // The gateway drops that connection and makes a new one; the client stays.
        QVERIFY(source.waitForConnection(2));
        source.sockets.removeFirst();
        source.write("short\n");
        QVERIFY(client.waitForMessages(1));
        QCOMPARE(client.messages.first().payload, QByteArray("short"));
        QCOMPARE(client.socket.state(), QAbstractSocket::ConnectedState);
    }

    void webSocketSourceKeepsMessageTypes()
    {
        QWebSocketServer server(QStringLiteral("source"), QWebSocketServer::NonSecureMode);
        QVERIFY(server.listen(QHostAddress::LocalHost));
        QList<QWebSocket *> sources;
        connect(&server, &QWebSocketServer::newConnection, &server, [&] {
            while (QWebSocket *socket = server.nextPendingConnection())
                sources.append(socket);
        });
        QVERIFY(start(service(QStringLiteral("ws://127.0.0.1:%1/feed").arg(server.serverPort()))));
        QVERIFY(QTest::qWaitFor([&] { return sources.size() == 1; }, 10000));
        QCOMPARE(sources.first()->requestUrl().path(), QStringLiteral("/feed"));
        Client client(url());
        QVERIFY(QTest::qWaitFor([&] { return m_gateway->sessions()->count() == 1; }, 5000));
        sources.first()->sendTextMessage(QStringLiteral("größe"));
        sources.first()->sendBinaryMessage(QByteArray("\x00\x01\x02", 3));
        QVERIFY(client.waitForMessages(2));
        QVERIFY(client.messages[0].text);
        QCOMPARE(QString::fromUtf8(client.messages[0].payload), QStringLiteral("größe"));
        QVERIFY(!client.messages[1].text);
        QCOMPARE(client.messages[1].payload, QByteArray("\x00\x01\x02", 3));
        qDeleteAll(sources);
    }

    void sourcesConnectToTheAcceptProperty()
    {
        const quint16 sourcePort = Testing::freePort();
        QVERIFY(start(service({}, "<accept>tcp://127.0.0.1:" + QByteArray::number(sourcePort)
                                      + "</accept><source.framing>newline</source.framing>")));
        Client client(url());
        QVERIFY(QTest::qWaitFor([&] { return m_gateway->sessions()->count() == 1; }, 5000));
        QTcpSocket first, second;
        first.connectToHost(QHostAddress::LocalHost, sourcePort);
        second.connectToHost(QHostAddress::LocalHost, sourcePort);
        QVERIFY(QTest::qWaitFor([&] {
            return first.state() == QAbstractSocket::ConnectedState && second.state() == QAbstractSocket::ConnectedState;
        }, 5000));
        first.write("from the first\n");
        QVERIFY(client.waitForMessages(1));
        second.write("from the second\n");
        QVERIFY(client.waitForMessages(2));
        QCOMPARE(client.messages[0].payload, QByteArray("from the first"));
        QCOMPARE(client.messages[1].payload, QByteArray("from the second"));
        QCOMPARE(sessionFrom(client.socket.localPort())->backend(),
                 QStringLiteral("sources on tcp://127.0.0.1:%1").arg(sourcePort));
    }

    void clientMessagesAreBroadcastToTheOthers()
    {
        TcpSource source;
        QVERIFY(start(service(source.url(), "<on.client.message>broadcast</on.client.message>")));
        QVERIFY(source.waitForConnection());
        Client a(url()), b(url()), c(url());
        QVERIFY(QTest::qWaitFor([&] { return m_gateway->sessions()->count() == 3; }, 5000));
        a.socket.sendTextMessage(QStringLiteral("from a"));
        QVERIFY(b.waitForMessages(1));
        QVERIFY(c.waitForMessages(1));
        QCOMPARE(b.messages.first().payload, QByteArray("from a"));
        QVERIFY(b.messages.first().text);
        QCOMPARE(c.messages.first().payload, QByteArray("from a"));
        // The sender does not get its own message back: the next thing it sees is the source's.
        source.write("marker");
        QVERIFY(a.waitForMessages(1));
        QCOMPARE(a.messages.first().payload, QByteArray("marker"));
    }

    void clientMessagesAreDroppedByDefault()
    {
        TcpSource source;
        QVERIFY(start(service(source.url())));
        QVERIFY(source.waitForConnection());
        Client a(url()), b(url());
        QVERIFY(QTest::qWaitFor([&] { return m_gateway->sessions()->count() == 2; }, 5000));
        a.socket.sendTextMessage(QStringLiteral("from a"));
        QVERIFY(QTest::qWaitFor([&] { return sessionFrom(a.socket.localPort())->counters().messagesIn == 1; }, 5000));
        source.write("marker");
        QVERIFY(b.waitForMessages(1));
        QCOMPARE(b.messages.first().payload, QByteArray("marker"));
        QCOMPARE(source.sockets.first()->bytesAvailable(), 0); // nothing goes to the source either
    }

    void lostSourceIsReconnectedAndClientsStay()
    {
        TcpSource source;
        QVERIFY(start(service(source.url(), "<reconnect.delay>100</reconnect.delay>")));
        QVERIFY(source.waitForConnection());
        Client client(url());
        QVERIFY(QTest::qWaitFor([&] { return m_gateway->sessions()->count() == 1; }, 5000));
        source.dropAll();
        QVERIFY(source.waitForConnection(2));
        QCOMPARE(client.socket.state(), QAbstractSocket::ConnectedState);
        QVERIFY(client.messages.isEmpty()); // told nothing
        source.write("after the gap");
        QVERIFY(client.waitForMessages(1));
        QCOMPARE(client.messages.first().payload, QByteArray("after the gap"));
    }

    void sourceDownAtStartIsTriedUntilItComes()
    {
        const quint16 sourcePort = Testing::freePort();
        QVERIFY(start(service(QStringLiteral("tcp://127.0.0.1:%1").arg(sourcePort),
                              "<reconnect.delay>50</reconnect.delay><reconnect.maximum.delay>200</reconnect.maximum.delay>")));
        Client client(url()); // served while the source is down
        QCOMPARE(client.socket.state(), QAbstractSocket::ConnectedState);
        QTest::qWait(400); // several attempts fail meanwhile
        TcpSource source(sourcePort);
        QVERIFY(source.waitForConnection());
        source.write("finally");
        QVERIFY(client.waitForMessages(1));
        QCOMPARE(client.messages.first().payload, QByteArray("finally"));
    }

    void onSourceLostCloseClosesClientsWith1013()
    {
        TcpSource source;
        QVERIFY(start(service(source.url(), "<on.source.lost>close</on.source.lost>")));
        QVERIFY(source.waitForConnection());
        // Qt's QWebSocket (6.4) takes 1012-1014 for invalid codes, so a raw client reads it.
        StalledClient client(m_port, "/b");
        QVERIFY(client.upgraded);
        QVERIFY(QTest::qWaitFor([&] { return m_gateway->sessions()->count() == 1; }, 5000));
        source.dropAll();
        QVERIFY(QTest::qWaitFor([&] {
            client.read();
            return client.closeCode != 0;
        }, 10000));
        QCOMPARE(client.closeCode, 1013);
    }

    void reloadKeepsClientsAndSource()
    {
        TcpSource source;
        const QByteArray services = service(source.url());
        QVERIFY(start(services));
        QVERIFY(source.waitForConnection());
        Client client(url());
        QVERIFY(QTest::qWaitFor([&] { return m_gateway->sessions()->count() == 1; }, 5000));
        QVERIFY(m_gateway->apply(m_config)); // rebuilds every service
        source.write("after the reload");
        QVERIFY(client.waitForMessages(1));
        QCOMPARE(client.messages.first().payload, QByteArray("after the reload"));
        QCOMPARE(source.accepted, 1); // the same source connection
        // Removing the service closes its clients with 1001.
        const auto without = Config::ConfigLoader::loadFile(writeConfig(
            "<service><name>e</name><accept>ws://127.0.0.1:" + QByteArray::number(m_port) + "/e</accept><type>echo</type></service>\n"));
        QVERIFY(without);
        QVERIFY(m_gateway->apply(*without));
        QCOMPARE(client.waitForClose(), 1001);
    }

    void slowConsumerIsDisconnectedAndOthersGetEverything()
    {
        TcpSource source;
        QVERIFY(start(service(source.url(), "<maximum.pending.bytes>64k</maximum.pending.bytes>")));
        QVERIFY(source.waitForConnection());
        Client fast(url());
        StalledClient slow(m_port, "/b");
        QVERIFY(slow.upgraded);
        QVERIFY(QTest::qWaitFor([&] { return m_gateway->sessions()->count() == 2; }, 5000));
        const qint64 total = 16 * 1024 * 1024;
        const QByteArray chunk(64 * 1024, 'x');
        for (qint64 sent = 0; sent < total; sent += chunk.size())
            source.write(chunk);
        QVERIFY(fast.waitForBytes(total));
        QCOMPARE(fast.bytes, total);
        QVERIFY(QTest::qWaitFor([&] { return m_gateway->sessions()->count() == 1; }, 15000)); // closed, then cut
        QCOMPARE(broadcastEvents(QStringLiteral("slow_consumer_closes")), quint64(1));
        QCOMPARE(broadcastEvents(QStringLiteral("dropped_messages")), quint64(0));
    }

    void slowConsumerLosesOldestMessagesWithinItsBound()
    {
        TcpSource source;
        QVERIFY(start(service(source.url(), "<source.framing>newline</source.framing>"
                                            "<maximum.pending.bytes>64k</maximum.pending.bytes>"
                                            "<slow.consumer>drop-oldest</slow.consumer>")));
        QVERIFY(source.waitForConnection());
        Client fast(url());
        StalledClient slow(m_port, "/b");
        QVERIFY(slow.upgraded);
        QVERIFY(QTest::qWaitFor([&] { return m_gateway->sessions()->count() == 2; }, 5000));
        Sessions::WebSocketSession *slowSession = nullptr;
        for (auto *session : m_gateway->sessions()->sessions())
            if (session->connection().peerPort != fast.socket.localPort())
                slowSession = session;
        QVERIFY(slowSession);

        const int lines = 16000;
        const QByteArray padding(1000, 'p');
        QByteArray all;
        for (int i = 0; i < lines; ++i)
            all += QByteArray::number(i) + ':' + padding + '\n';
        source.write(all);
        qint64 largestQueue = 0;
        QVERIFY(QTest::qWaitFor([&] {
            largestQueue = qMax(largestQueue, slowSession->queuedBytes());
            return fast.messages.size() >= lines;
        }, 30000));
        QCOMPARE(fast.messages.last().payload, QByteArray::number(lines - 1) + ':' + padding);
        QVERIFY2(largestQueue <= 64 * 1024, QByteArray::number(largestQueue).constData());
        QVERIFY(slowSession->droppedMessages() > 0);
        QCOMPARE(broadcastEvents(QStringLiteral("dropped_messages")), slowSession->droppedMessages());
        QCOMPARE(m_gateway->sessions()->count(), 2); // still connected

        // Now it reads: the newest line is there, the lines it got are in order, some are gone.
        QVERIFY(QTest::qWaitFor([&] {
            slow.read();
            return !slow.payloads.isEmpty() && slow.payloads.last().startsWith(QByteArray(QByteArray::number(lines - 1) + ':'));
        }, 30000));
        int previous = -1;
        for (const QByteArray &payload : std::as_const(slow.payloads)) {
            const int number = payload.left(payload.indexOf(':')).toInt();
            QVERIFY(number > previous);
            previous = number;
        }
        QCOMPARE(quint64(lines) - quint64(slow.payloads.size()), slowSession->droppedMessages());
    }

    void configurationErrorsNameTheProblem_data()
    {
        QTest::addColumn<QByteArray>("services");
        QTest::addColumn<QString>("error");
        const QByteArray open = "<service><name>b</name><accept>ws://127.0.0.1:9/b</accept><type>broadcast</type>";
        QTest::newRow("no source") << open + "</service>"
                                   << QStringLiteral("needs a <connect> naming its source, or the property accept");
        QTest::newRow("both sources")
            << open + "<connect>tcp://127.0.0.1:1</connect><properties><accept>tcp://127.0.0.1:2</accept></properties></service>"
            << QStringLiteral("has both <connect>");
        QTest::newRow("accept not tcp")
            << open + "<properties><accept>ws://127.0.0.1:2/</accept></properties></service>"
            << QStringLiteral("a broadcast's sources connect to tcp://address:port");
        QTest::newRow("accept by name")
            << open + "<properties><accept>tcp://feeds.example.com:2</accept></properties></service>"
            << QStringLiteral("name an address of this machine");
        QTest::newRow("bad on.client.message")
            << open + "<connect>tcp://127.0.0.1:1</connect><properties><on.client.message>echo</on.client.message></properties></service>"
            << QStringLiteral("on.client.message: 'echo' is not noop or broadcast");
        QTest::newRow("bad slow.consumer")
            << open + "<connect>tcp://127.0.0.1:1</connect><properties><slow.consumer>wait</slow.consumer></properties></service>"
            << QStringLiteral("slow.consumer: 'wait' is not disconnect or drop-oldest");
        QTest::newRow("bad delay")
            << open + "<connect>tcp://127.0.0.1:1</connect><properties><reconnect.delay>soon</reconnect.delay></properties></service>"
            << QStringLiteral("reconnect.delay: 'soon' is not a duration");
        QTest::newRow("maximum below delay")
            << open + "<connect>tcp://127.0.0.1:1</connect><properties><reconnect.delay>10s</reconnect.delay>"
                      "<reconnect.maximum.delay>5s</reconnect.maximum.delay></properties></service>"
            << QStringLiteral("reconnect.maximum.delay (5s) is shorter than reconnect.delay (10s)");
        QTest::newRow("framing of a ws source")
            << open + "<connect>ws://127.0.0.1:1/</connect><properties><source.framing>newline</source.framing></properties></service>"
            << QStringLiteral("source.framing applies to tcp:// and ssl:// sources");
        QTest::newRow("pending too small")
            << open + "<connect>tcp://127.0.0.1:1</connect><properties><maximum.pending.bytes>1k</maximum.pending.bytes></properties></service>"
            << QStringLiteral("maximum.pending.bytes: '1k' is not a size from 4k to 64m");
        QTest::newRow("unknown property")
            << open + "<connect>tcp://127.0.0.1:1</connect><properties><fanout>all</fanout></properties></service>"
            << QStringLiteral("service type 'broadcast' has no property 'fanout'");
        QTest::newRow("http accept")
            << QByteArray("<service><name>b</name><accept>http://127.0.0.1:9/b</accept><type>broadcast</type>"
                          "<connect>tcp://127.0.0.1:1</connect></service>")
            << QStringLiteral("a broadcast service accepts ws:// or wss:// only");
    }

    void configurationErrorsNameTheProblem()
    {
        QFETCH(QByteArray, services);
        QFETCH(QString, error);
        const QStringList errors = configErrors(services + '\n');
        QVERIFY2(std::any_of(errors.cbegin(), errors.cend(), [&](const QString &e) { return e.contains(error); }),
                 qPrintable(errors.join(u'\n')));
    }

    void sourceListenerAddressInUseIsRefused()
    {
        QTcpServer taken;
        QVERIFY(taken.listen(QHostAddress::LocalHost));
        const auto config = Config::ConfigLoader::loadFile(writeConfig(
            service({}, "<accept>tcp://127.0.0.1:" + QByteArray::number(taken.serverPort()) + "</accept>")));
        QVERIFY(config);
        App::Gateway gateway;
        const auto applied = gateway.apply(*config);
        QVERIFY(!applied);
        QVERIFY2(applied.error().join(u'\n').contains(QStringLiteral("cannot listen for sources on tcp://127.0.0.1:%1")
                                                          .arg(taken.serverPort())),
                 qPrintable(applied.error().join(u'\n')));
    }
};

QTEST_GUILESS_MAIN(TestBroadcast)
#include "tst_broadcast.moc"
