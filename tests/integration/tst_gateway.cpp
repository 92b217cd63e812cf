// The gateway in-process on ephemeral ports, driven over real sockets: echo over ws and wss,
// the directory service, the front door's refusals, SNI, reload and drain.

#include "app/gateway.h"
#include "auth/passwordhasher.h"
#include "config/configloader.h"
#include "sessions/sessionregistry.h"
#include "sessions/websocketsession.h"
#include "rawclient.h"
#include "testpki.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QtTest>

using namespace Postern;
using Testing::RawClient;
using Testing::TestPki;
using Testing::kUpgrade;
using Testing::request;

namespace {

// A client frame (masked, with an all-zero mask so the payload stays as it is).
QByteArray clientBinaryFrame(const QByteArray &payload)
{
    QByteArray frame("\x82", 1);
    if (payload.size() < 126) {
        frame += char(0x80 | payload.size());
    } else {
        frame += char(0x80 | 126);
        frame += char(payload.size() >> 8);
        frame += char(payload.size() & 0xff);
    }
    frame += QByteArray(4, '\0');
    return frame + payload;
}

// A socket that reads (almost) nothing: what a stalled or hostile client looks like.
void makeNonReading(QTcpSocket &socket)
{
    socket.setReadBufferSize(1024);
    socket.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
}

} // namespace

class TestGateway : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    TestPki m_pki;
    quint16 m_http = 0;
    quint16 m_tls = 0;
    quint16 m_extra = 0;
    App::Gateway *m_gateway = nullptr;

    QString configPath() const { return m_dir.filePath(QStringLiteral("gateway-config.xml")); }

    QByteArray configXml(const QByteArray &extraServices = {}) const
    {
        QFile file(Testing::sourceDir() + QStringLiteral("/tests/data/tst_gateway-config.xml"));
        if (!file.open(QIODevice::ReadOnly))
            qFatal("cannot read tests/data/tst_gateway-config.xml");
        QByteArray xml = file.readAll();
        xml.replace("@HTTP_PORT@", QByteArray::number(m_http)).replace("@TLS_PORT@", QByteArray::number(m_tls));
        xml.replace("@EXTRA_SERVICES@", extraServices);
        return xml;
    }

    void writeConfig(const QByteArray &xml)
    {
        QFile file(configPath());
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(xml);
    }

    void writeFile(const QString &relative, const QByteArray &contents)
    {
        QFile file(m_dir.filePath(relative));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(contents);
    }

    QSslConfiguration clientTls() const
    {
        QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
        configuration.setCaCertificates({m_pki.caCertificate()});
        return configuration;
    }

    // An open echo client; the caller owns it.
    QWebSocket *openWebSocket(const QString &url)
    {
        auto *socket = new QWebSocket;
        socket->setSslConfiguration(clientTls());
        socket->setMaxAllowedIncomingMessageSize(4 * 1024 * 1024);
        QSignalSpy connected(socket, &QWebSocket::connected);
        socket->open(QUrl(url));
        if (!connected.wait(10000))
            qWarning() << "could not open" << url << socket->errorString();
        return socket;
    }

    static bool echoes(QWebSocket *socket, const QString &text)
    {
        QSignalSpy received(socket, &QWebSocket::textMessageReceived);
        socket->sendTextMessage(text);
        return received.wait(5000) && received.first().first().toString() == text;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_http = Testing::freePort();
        m_tls = Testing::freePort();
        m_extra = Testing::freePort();
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("web/sub")));
        writeFile(QStringLiteral("web/index.html"), "<h1>welcome</h1>\n");
        writeFile(QStringLiteral("web/notes.txt"), "plain notes\n");
        writeFile(QStringLiteral("users.xml"),
                  "<jaas-config>\n  <user><name>alice</name><password>" + *Auth::PasswordHasher::hash("alice-pw")
                      + "</password><role-name>AUTHORIZED</role-name></user>\n"
                        "  <user><name>bob</name><password>bob-pw</password><role-name>GUEST</role-name></user>\n"
                        "</jaas-config>\n");
        writeFile(QStringLiteral("web/big.bin"), QByteArray(16 * 1024 * 1024, 'b'));
        writeFile(QStringLiteral("web/sub/index.html"), "sub index\n");
        writeFile(QStringLiteral("secret.txt"), "outside the web root\n");
        writeFile(QStringLiteral("web/.hidden"), "outside the web root\n");
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("web/.git")));
        writeFile(QStringLiteral("web/.git/config"), "outside the web root\n");
        QVERIFY(QFile::link(m_dir.path(), m_dir.filePath(QStringLiteral("web/escape"))));
        TestPki::writeKeystore(m_dir.path(), {m_pki.serverEntry(QStringLiteral("localhost"), {QStringLiteral("localhost")}),
                                              m_pki.serverEntry(QStringLiteral("other"), {QStringLiteral("other.test")})});
        writeConfig(configXml());
        const auto config = Config::ConfigLoader::loadFile(configPath());
        QVERIFY2(config, config ? "" : qPrintable(config.error().first().toString()));
        m_gateway = new App::Gateway(this);
        const auto applied = m_gateway->apply(*config);
        QVERIFY2(applied, applied ? "" : qPrintable(applied.error().join(u'\n')));
    }

    void echo_data()
    {
        QTest::addColumn<bool>("secure");
        QTest::addColumn<bool>("binary");
        QTest::addColumn<int>("size");
        for (bool secure : {false, true})
            for (bool binary : {false, true})
                for (int size : {0, 125, 126, 65536, 1024 * 1024})
                    QTest::addRow("%s %s %d B", secure ? "wss" : "ws", binary ? "binary" : "text", size)
                        << secure << binary << size;
    }
    void echo()
    {
        QFETCH(bool, secure);
        QFETCH(bool, binary);
        QFETCH(int, size);
        const QString url = secure ? QStringLiteral("wss://localhost:%1/echo").arg(m_tls)
                                   : QStringLiteral("ws://127.0.0.1:%1/echo").arg(m_http);
        std::unique_ptr<QWebSocket> socket(openWebSocket(url));
        QCOMPARE(socket->state(), QAbstractSocket::ConnectedState);
        QByteArray payload(size, Qt::Uninitialized);
        for (int i = 0; i < size; ++i)
            payload[i] = char('a' + (i * 7) % 26);
        if (binary) {
            QSignalSpy received(socket.get(), &QWebSocket::binaryMessageReceived);
            QSignalSpy text(socket.get(), &QWebSocket::textMessageReceived);
            socket->sendBinaryMessage(payload);
            QVERIFY(received.wait(10000));
            QCOMPARE(received.first().first().toByteArray(), payload);
            QCOMPARE(text.count(), 0);
        } else {
            QSignalSpy received(socket.get(), &QWebSocket::textMessageReceived);
            socket->sendTextMessage(QString::fromLatin1(payload));
            QVERIFY(received.wait(10000));
            QCOMPARE(received.first().first().toString(), QString::fromLatin1(payload));
        }
    }

    void aBurstIsEchoedWhole()
    {
        // 8 MiB sent at once, in 4 KiB messages, over a plain connection (Postern's own
        // descriptor transport): all comes back, in order, and the session stays open (what
        // waits for this client stays within the session's output limit, 1 MiB).
        std::unique_ptr<QWebSocket> socket(openWebSocket(QStringLiteral("ws://127.0.0.1:%1/echo").arg(m_http)));
        QCOMPARE(socket->state(), QAbstractSocket::ConnectedState);
        constexpr int kMessages = 2048;
        int received = 0;
        bool inOrder = true;
        connect(socket.get(), &QWebSocket::binaryMessageReceived, this, [&](const QByteArray &message) {
            inOrder = inOrder && message.size() == 4096 && message.startsWith(QByteArray(QByteArray::number(received) + ';'));
            ++received;
        });
        for (int i = 0; i < kMessages; ++i) {
            QByteArray message = QByteArray::number(i) + ';';
            message.resize(4096, 'x');
            socket->sendBinaryMessage(message);
        }
        QTRY_COMPARE_WITH_TIMEOUT(received, kMessages, 60000);
        QVERIFY(inOrder);
        QCOMPARE(socket->state(), QAbstractSocket::ConnectedState);
    }

    void sessionsAreRegistered()
    {
        std::unique_ptr<QWebSocket> socket(openWebSocket(QStringLiteral("wss://localhost:%1/echo").arg(m_tls)));
        QVERIFY(echoes(socket.get(), QStringLiteral("hi")));
        const auto sessions = m_gateway->sessions()->sessions();
        QCOMPARE(sessions.size(), 1);
        QCOMPARE(sessions.first()->serviceName(), QStringLiteral("echo"));
        QVERIFY(sessions.first()->connection().secure);
        QVERIFY(sessions.first()->connection().tlsProtocol.startsWith(QStringLiteral("TLSv1.")));
        QCOMPARE(sessions.first()->counters().messagesIn, quint64(1));
        socket->close();
        QTRY_COMPARE_WITH_TIMEOUT(m_gateway->sessions()->count(), 0, 5000);
    }

    void oversizedMessageCloses1009()
    {
        std::unique_ptr<QWebSocket> socket(openWebSocket(QStringLiteral("ws://127.0.0.1:%1/small").arg(m_http)));
        QVERIFY(echoes(socket.get(), QString(1024, u'x'))); // exactly the limit passes
        QSignalSpy disconnected(socket.get(), &QWebSocket::disconnected);
        socket->sendBinaryMessage(QByteArray(1025, 'x'));
        QVERIFY(disconnected.wait(5000));
        QCOMPARE(socket->closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
    }

    void inactivityPingsThenClosesASilentPeer()
    {
        // A raw client that completes the handshake and then never answers anything.
        RawClient client(m_http);
        QVERIFY(client.waitConnected());
        client.send(request("GET", "/small", kUpgrade + "Sec-WebSocket-Version: 13\r\n"));
        QVERIFY(QTest::qWaitFor([&] { return client.received.contains("\r\n\r\n"); }, 5000));
        QVERIFY(client.received.startsWith("HTTP/1.1 101"));
        client.received = client.received.mid(client.received.indexOf("\r\n\r\n") + 4);
        QVERIFY2(QTest::qWaitFor([&] { return client.received.startsWith("\x89"); }, 5000), "no ping");
        // Then a close frame with 1001 (0x03e9), after the ping went unanswered.
        QVERIFY2(QTest::qWaitFor([&] { return client.received.contains(QByteArray("\x88", 1)); }, 5000), "no close");
        const QByteArray close = client.received.mid(client.received.indexOf(QByteArray("\x88", 1)));
        QVERIFY(close.size() >= 4);
        QCOMPARE((quint8(close[2]) << 8) | quint8(close[3]), 1001);
    }

    void aSlowLargeFrameIsActivity()
    {
        // /small closes peers silent for 1 s; a 1000-byte frame trickling in over 2.5 s is
        // a peer at work, not a silent one: it is echoed, not closed.
        RawClient client(m_http);
        QVERIFY(client.waitConnected());
        client.send(request("GET", "/small", kUpgrade + "Sec-WebSocket-Version: 13\r\n"));
        QVERIFY(QTest::qWaitFor([&] { return client.received.contains("\r\n\r\n"); }, 5000));
        client.received.clear();
        const QByteArray frame = clientBinaryFrame(QByteArray(1000, 's'));
        for (qsizetype sent = 0; sent < frame.size(); sent += 100) {
            client.send(frame.mid(sent, 100));
            QTest::qWait(250);
        }
        QVERIFY(QTest::qWaitFor([&] { return client.received.contains(QByteArray(1000, 's')); }, 5000));
        QVERIFY(!client.received.contains(QByteArray("\x88", 1)));
    }

    void aPeerThatPingsAndNeverReadsIsClosed()
    {
        // Pongs count as output too: a client that pings and does not read is cut off like
        // one that sends messages and does not read, instead of filling the gateway with pongs.
        QTcpSocket client;
        makeNonReading(client);
        client.connectToHost(QHostAddress::LocalHost, m_http);
        QVERIFY(QTest::qWaitFor([&] { return client.state() == QAbstractSocket::ConnectedState; }, 5000));
        client.write(request("GET", "/echo", kUpgrade + "Sec-WebSocket-Version: 13\r\n"));
        QTRY_COMPARE_WITH_TIMEOUT(m_gateway->sessions()->count(), 1, 5000);
        QTest::ignoreMessage(QtInfoMsg, QRegularExpression(QStringLiteral("client is not reading")));
        QByteArray ping("\x89\xfd\0\0\0\0", 6);
        ping += QByteArray(125, 'p');
        const QByteArray burst = ping.repeated(500);
        for (int i = 0; i < 2000 && client.state() == QAbstractSocket::ConnectedState; ++i) {
            client.write(burst);
            if (i % 20 == 0)
                QTest::qWait(20);
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_gateway->sessions()->count(), 0, 20000);
    }

    void inactivityKeepsAnsweringPeer()
    {
        // QWebSocket answers pings, so it outlives several timeouts.
        std::unique_ptr<QWebSocket> socket(openWebSocket(QStringLiteral("ws://127.0.0.1:%1/small").arg(m_http)));
        QSignalSpy disconnected(socket.get(), &QWebSocket::disconnected);
        QVERIFY(!disconnected.wait(3000));
        QVERIFY(echoes(socket.get(), QStringLiteral("still here")));
    }

    void directoryGetAndHead()
    {
        RawClient client(m_http);
        QVERIFY(client.exchange(request("GET", "/")));
        QCOMPARE(client.status(), 200);
        QCOMPARE(client.headerValue("Content-Type"), QByteArray("text/html; charset=utf-8"));
        QCOMPARE(client.body(), QByteArray("<h1>welcome</h1>\n"));
        QVERIFY(!client.headerValue("ETag").isEmpty());
        QVERIFY(!client.headerValue("Last-Modified").isEmpty());

        // Keep-alive: the next request on the same connection.
        client.takeResponse();
        client.send(request("HEAD", "/notes.txt"));
        QVERIFY(QTest::qWaitFor([&] { return client.received.contains("\r\n\r\n"); }, 5000));
        QCOMPARE(client.status(), 200);
        QCOMPARE(client.headerValue("Content-Length"), QByteArray("12"));
        QCOMPARE(client.headerValue("Content-Type"), QByteArray("text/plain; charset=utf-8"));
        QTest::qWait(100);
        QVERIFY(client.body().isEmpty());
        QVERIFY(!client.closed);
    }

    void directoryConditional()
    {
        QByteArray etag, lastModified;
        {
            RawClient client(m_http);
            QVERIFY(client.exchange(request("GET", "/notes.txt")));
            etag = client.headerValue("ETag");
            lastModified = client.headerValue("Last-Modified");
        }
        const QList<QByteArray> conditions = {"If-None-Match: " + etag + "\r\n",
                                              "If-None-Match: \"other\", " + etag + "\r\n",
                                              "If-Modified-Since: " + lastModified + "\r\n"};
        for (const QByteArray &condition : conditions) {
            RawClient client(m_http);
            QVERIFY(client.exchange(request("GET", "/notes.txt", condition)));
            QCOMPARE(client.status(), 304);
            QCOMPARE(client.headerValue("ETag"), etag);
        }
        RawClient changed(m_http);
        QVERIFY(changed.exchange(request("GET", "/notes.txt", "If-None-Match: \"stale\"\r\n")));
        QCOMPARE(changed.status(), 200);
    }

    void directoryRefusals_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<int>("status");
        QTest::newRow("missing file") << QByteArray("GET") << QByteArray("/absent.html") << 404;
        QTest::newRow("dot dot") << QByteArray("GET") << QByteArray("/../secret.txt") << 404;
        QTest::newRow("encoded dot dot") << QByteArray("GET") << QByteArray("/%2e%2e/secret.txt") << 404;
        QTest::newRow("encoded slash") << QByteArray("GET") << QByteArray("/sub/..%2f..%2fsecret.txt") << 404;
        QTest::newRow("upper-case encoding") << QByteArray("GET") << QByteArray("/%2E%2E/secret.txt") << 404;
        QTest::newRow("symlink out of the root") << QByteArray("GET") << QByteArray("/escape/secret.txt") << 404;
        QTest::newRow("POST") << QByteArray("POST") << QByteArray("/") << 405;
        QTest::newRow("directory without slash") << QByteArray("GET") << QByteArray("/sub?x=1") << 301;
        QTest::newRow("hidden file") << QByteArray("GET") << QByteArray("/.hidden") << 404;
        QTest::newRow("hidden folder") << QByteArray("GET") << QByteArray("/.git/config") << 404;
    }
    void directoryRefusals()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, target);
        QFETCH(int, status);
        RawClient client(m_http);
        QVERIFY(client.exchange(request(method, target)));
        QCOMPARE(client.status(), status);
        QVERIFY(!client.body().contains("outside the web root"));
        if (status == 301)
            QCOMPARE(client.headerValue("Location"), QByteArray("/sub/?x=1"));
        if (status == 405)
            QCOMPARE(client.headerValue("Allow"), QByteArray("GET, HEAD"));
    }

    void directoryAtItsOwnPath()
    {
        RawClient bare(m_http);
        QVERIFY(bare.exchange(request("GET", "/docs")));
        QCOMPARE(bare.status(), 301);
        QCOMPARE(bare.headerValue("Location"), QByteArray("/docs/"));
        RawClient slash(m_http);
        QVERIFY(slash.exchange(request("GET", "/docs/")));
        QCOMPARE(slash.status(), 200);
        QCOMPARE(slash.body(), QByteArray("sub index\n"));
    }

    void subdirectoryIndex()
    {
        RawClient client(m_http);
        QVERIFY(client.exchange(request("GET", "/sub/")));
        QCOMPARE(client.status(), 200);
        QCOMPARE(client.body(), QByteArray("sub index\n"));
    }

    void frontDoorRefusals_data()
    {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("header"); // "Name: value" the response must carry, if any
        QTest::newRow("malformed header") << QByteArray("GET / HTTP/1.1\r\nHost : localhost\r\n\r\n") << 400 << QByteArray();
        QTest::newRow("garbage") << QByteArray("\x01\x02\x03 nonsense\r\n\r\n") << 400 << QByteArray();
        QTest::newRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\nHost: localhost\r\n\r\n") << 505 << QByteArray();
        QTest::newRow("plain GET to a WebSocket service") << request("GET", "/echo") << 426 << QByteArray("Upgrade: websocket");
        QTest::newRow("old WebSocket version") << request("GET", "/echo", kUpgrade + "Sec-WebSocket-Version: 8\r\n") << 426
                                               << QByteArray("Sec-WebSocket-Version: 13");
        QTest::newRow("handshake without key") << request("GET", "/echo", "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n")
                                               << 400 << QByteArray();
        QTest::newRow("huge head") << request("GET", "/", "X-Filler: " + QByteArray(3000, 'a') + "\r\n") << 431 << QByteArray();
    }
    void frontDoorRefusals()
    {
        QFETCH(QByteArray, data);
        QFETCH(int, status);
        QFETCH(QByteArray, header);
        RawClient client(m_http);
        QVERIFY(client.exchange(data));
        QCOMPARE(client.status(), status);
        if (!header.isEmpty()) {
            const QList<QByteArray> parts = header.split(':');
            QCOMPARE(client.headerValue(parts.at(0)), parts.at(1).trimmed());
        }
    }

    void headRequestsGetNoBody()
    {
        // Regression: 426 and 404 answers to HEAD carried a body, which the next response
        // on the connection was then read from.
        RawClient client(m_http);
        QVERIFY(client.waitConnected());
        client.send(request("HEAD", "/echo") + request("GET", "/notes.txt"));
        QVERIFY(QTest::qWaitFor([&] { return client.received.count("HTTP/1.1 ") == 2 && client.received.endsWith("plain notes\n"); }, 5000));
        QVERIFY(client.received.startsWith("HTTP/1.1 426"));
        const qsizetype second = client.received.indexOf("HTTP/1.1 200");
        QVERIFY(second > 0);
        QVERIFY(client.received.left(second).endsWith("\r\n\r\n")); // nothing between the two heads
    }

    void redirectStaysOnThisHost()
    {
        RawClient client(m_http);
        QVERIFY(client.exchange(request("GET", "//sub")));
        QCOMPARE(client.status(), 301);
        QCOMPARE(client.headerValue("Location"), QByteArray("/sub/"));
    }

    void upgradeHeaderMayListSeveralProtocols()
    {
        // RFC 9110 §7.8: Upgrade is a list; the handshake needs "websocket" among them.
        RawClient client(m_http);
        QVERIFY(client.waitConnected());
        client.send(request("GET", "/echo", "Upgrade: foo/2, WebSocket\r\nConnection: keep-alive, Upgrade\r\n"
                                            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                            "Sec-WebSocket-Version: 13\r\n"));
        QVERIFY(QTest::qWaitFor([&] { return client.received.contains("\r\n\r\n"); }, 5000));
        QVERIFY(client.received.startsWith("HTTP/1.1 101"));
        QCOMPARE(client.headerValue("Sec-WebSocket-Accept"), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    }

    void malformedKeysAreRefused_data()
    {
        QTest::addColumn<QByteArray>("key");
        QTest::newRow("15 bytes") << QByteArray(15, 'k').toBase64();
        QTest::newRow("not base64") << QByteArray("dGhlIHNhbXBsZSBub25j*Q==");
        QTest::newRow("missing") << QByteArray();
    }

    void malformedKeysAreRefused()
    {
        QFETCH(QByteArray, key);
        RawClient client(m_http);
        QVERIFY(client.exchange(request("GET", "/echo", "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                        + (key.isNull() ? QByteArray() : "Sec-WebSocket-Key: " + key + "\r\n")
                                        + "Sec-WebSocket-Version: 13\r\n")));
        QCOMPARE(client.status(), 400);
    }

    void longHandshakeLinesUpToTheHeadLimit()
    {
        // Needs a listener whose head limit admits long lines: a gateway of its own.
        QTemporaryDir dir;
        const quint16 port = Testing::freePort();
        QFile file(dir.filePath(QStringLiteral("gateway-config.xml")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("<gateway-config><service><name>e</name><accept>ws://localhost:" + QByteArray::number(port)
                   + "/e</accept><type>echo</type><accept-options><http.request.head.maximum.size>32k"
                     "</http.request.head.maximum.size></accept-options></service></gateway-config>");
        file.close();
        const auto config = Config::ConfigLoader::loadFile(file.fileName());
        QVERIFY(config);
        App::Gateway gateway;
        QVERIFY(gateway.apply(*config));
        const QByteArray handshake = "GET /e HTTP/1.1\r\nHost: localhost\r\n" + kUpgrade + "Sec-WebSocket-Version: 13\r\n";
        RawClient tooLong(port);
        QVERIFY(tooLong.exchange(handshake + "X-Long: " + QByteArray(33000, 'l') + "\r\n\r\n"));
        QCOMPARE(tooLong.status(), 431);
        RawClient fine(port);
        QVERIFY(fine.waitConnected());
        fine.send(handshake + "X-Long: " + QByteArray(30000, 'l') + "\r\n\r\n");
        QVERIFY(QTest::qWaitFor([&] { return fine.received.contains("\r\n\r\n"); }, 5000));
        QVERIFY(fine.received.startsWith("HTTP/1.1 101"));
    }

    void aClientThatDoesNotReadIsBoundedAndCutOff()
    {
        QTcpSocket client;
        makeNonReading(client);
        QSignalSpy disconnected(&client, &QTcpSocket::disconnected);
        client.connectToHost(QHostAddress::LocalHost, m_http);
        QVERIFY(QTest::qWaitFor([&] { return client.state() == QAbstractSocket::ConnectedState; }, 5000));
        client.write(request("GET", "/big.bin"));
        // It keeps sending while not reading: nothing of that may pile up in the gateway.
        const QByteArray flood(64 * 1024, 'x');
        for (int i = 0; i < 64; ++i)
            client.write(flood);
        QTest::qWait(500);
        qint64 buffered = 0;
        for (const QTcpSocket *socket : m_gateway->findChildren<QTcpSocket *>())
            buffered = qMax(buffered, socket->bytesAvailable());
        QVERIFY2(buffered <= 2 * 1024 + 1, qPrintable(QStringLiteral("%1 bytes buffered").arg(buffered)));
        // http.write.timeout (2s) without progress: the gateway lets go.
        QVERIFY(disconnected.count() > 0 || disconnected.wait(15000));
    }

    void aWebSocketPeerThatDoesNotReadIsClosed()
    {
        QTcpSocket client;
        makeNonReading(client);
        client.connectToHost(QHostAddress::LocalHost, m_http);
        QVERIFY(QTest::qWaitFor([&] { return client.state() == QAbstractSocket::ConnectedState; }, 5000));
        client.write(request("GET", "/echo", kUpgrade + "Sec-WebSocket-Version: 13\r\n"));
        QVERIFY(QTest::qWaitFor([&] { return client.bytesAvailable() > 0; }, 5000));
        QVERIFY(client.read(12).startsWith("HTTP/1.1 101"));
        QTRY_COMPARE_WITH_TIMEOUT(m_gateway->sessions()->count(), 1, 5000);
        QTest::ignoreMessage(QtInfoMsg, QRegularExpression(QStringLiteral("client is not reading")));
        // Echo's limit for /echo is 4 x 2 MiB of unsent replies.
        const QByteArray frame = clientBinaryFrame(QByteArray(60000, 'e'));
        for (int i = 0; i < 600 && client.state() == QAbstractSocket::ConnectedState; ++i) {
            client.write(frame);
            if (i % 50 == 0)
                QTest::qWait(50);
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_gateway->sessions()->count(), 0, 15000);
    }

    void webSocketOrigins_data()
    {
        QTest::addColumn<QByteArray>("origin"); // null: none sent
        QTest::addColumn<int>("status");
        QTest::newRow("no Origin") << QByteArray() << 101;
        QTest::newRow("the service's own origin") << QByteArray("http://localhost:@HTTP@") << 101;
        QTest::newRow("an allowed origin") << QByteArray("https://app.test") << 101;
        QTest::newRow("another origin") << QByteArray("https://evil.test") << 403;
        QTest::newRow("the allowed host on another port") << QByteArray("https://app.test:8443") << 403;
    }
    void webSocketOrigins()
    {
        QFETCH(QByteArray, origin);
        QFETCH(int, status);
        origin.replace("@HTTP@", QByteArray::number(m_http));
        RawClient client(m_http);
        QVERIFY(client.waitConnected());
        client.send(request("GET", "/echo", kUpgrade + "Sec-WebSocket-Version: 13\r\n"
                                                + (origin.isNull() ? QByteArray() : "Origin: " + origin + "\r\n")));
        QVERIFY(QTest::qWaitFor([&] { return client.received.contains("\r\n\r\n"); }, 5000));
        QCOMPARE(client.status(), status);
    }

    void corsPreflightAndResponses()
    {
        RawClient allowed(m_http);
        QVERIFY(allowed.exchange(request("OPTIONS", "/notes.txt", "Origin: https://app.test\r\n"
                                                                  "Access-Control-Request-Method: GET\r\n"
                                                                  "Access-Control-Request-Headers: X-Token\r\n")));
        QCOMPARE(allowed.status(), 204);
        QCOMPARE(allowed.headerValue("Access-Control-Allow-Origin"), QByteArray("https://app.test"));
        QCOMPARE(allowed.headerValue("Access-Control-Max-Age"), QByteArray("60"));
        RawClient stranger(m_http);
        QVERIFY(stranger.exchange(request("OPTIONS", "/notes.txt", "Origin: https://evil.test\r\n"
                                                                   "Access-Control-Request-Method: GET\r\n")));
        QCOMPARE(stranger.status(), 403);
        RawClient method(m_http);
        QVERIFY(method.exchange(request("OPTIONS", "/notes.txt", "Origin: https://app.test\r\n"
                                                                 "Access-Control-Request-Method: PUT\r\n")));
        QCOMPARE(method.status(), 403);
        RawClient get(m_http);
        QVERIFY(get.exchange(request("GET", "/notes.txt", "Origin: https://app.test\r\n")));
        QCOMPARE(get.status(), 200);
        QCOMPARE(get.headerValue("Access-Control-Allow-Origin"), QByteArray("https://app.test"));
        RawClient foreign(m_http);
        QVERIFY(foreign.exchange(request("GET", "/notes.txt", "Origin: https://evil.test\r\n")));
        QCOMPARE(foreign.status(), 200); // served, but unlabelled: the browser keeps it from the page
        QVERIFY(foreign.headerValue("Access-Control-Allow-Origin").isEmpty());
        QCOMPARE(foreign.headerValue("Vary"), QByteArray("Origin"));
    }

    static QByteArray basic(const QByteArray &user, const QByteArray &password)
    {
        return "Authorization: Basic " + QByteArray(user + ':' + password).toBase64() + "\r\n";
    }

    void realms_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("credentials");
        QTest::addColumn<int>("status");
        const QByteArray upgrade = kUpgrade + "Sec-WebSocket-Version: 13\r\n";
        QTest::newRow("no credentials: challenged") << QByteArray("/secure") << QByteArray() << 401;
        QTest::newRow("wrong password") << QByteArray("/secure") << basic("alice", "nope") << 401;
        QTest::newRow("unknown user") << QByteArray("/secure") << basic("mallory", "alice-pw") << 401;
        QTest::newRow("not base64") << QByteArray("/secure") << QByteArray("Authorization: Basic %%%\r\n") << 401;
        QTest::newRow("another scheme") << QByteArray("/secure") << QByteArray("Authorization: Bearer abc\r\n") << 401;
        QTest::newRow("role held (hashed password)") << QByteArray("/secure") << basic("alice", "alice-pw") << 101;
        QTest::newRow("role missing: forbidden") << QByteArray("/secure") << basic("bob", "bob-pw") << 403;
        QTest::newRow("any valid user (plain password)") << QByteArray("/members") << basic("bob", "bob-pw") << 101;
    }
    void realms()
    {
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, credentials);
        QFETCH(int, status);
        RawClient client(m_http);
        QVERIFY(client.waitConnected());
        client.send(request("GET", path, kUpgrade + "Sec-WebSocket-Version: 13\r\n" + credentials));
        QVERIFY(QTest::qWaitFor([&] { return client.received.contains("\r\n\r\n"); }, 10000));
        QCOMPARE(client.status(), status);
        if (status == 401)
            QCOMPARE(client.headerValue("WWW-Authenticate"), QByteArray("Basic realm=\"demo\""));
        QVERIFY(!client.received.contains("alice-pw"));
    }

    void refusedLoginKeepsThePipelinedRequest()
    {
        // Regression: a refused HTTP login consumed the request head twice, eating the start
        // of the next pipelined request. Also: a plain GET to a protected WebSocket service is
        // challenged (401) before anything (such as 426) says what the service is.
        RawClient client(m_http);
        QVERIFY(client.waitConnected());
        client.send(request("GET", "/secure") + request("GET", "/notes.txt"));
        QVERIFY(QTest::qWaitFor([&] { return client.received.endsWith("plain notes\n"); }, 5000));
        QVERIFY(client.received.startsWith("HTTP/1.1 401"));
        QCOMPARE(client.received.count("HTTP/1.1 "), 2);
        QVERIFY(client.received.contains("HTTP/1.1 200"));
    }

    void realmProtectsHttpToo()
    {
        RawClient anonymous(m_http);
        QVERIFY(anonymous.exchange(request("GET", "/private/")));
        QCOMPARE(anonymous.status(), 401);
        RawClient alice(m_http);
        QVERIFY(alice.exchange(request("GET", "/private/", basic("alice", "alice-pw"))));
        QCOMPARE(alice.status(), 200);
        QCOMPARE(alice.body(), QByteArray("sub index\n"));
    }

    void guessingIsThrottled()
    {
        // A gateway of its own whose realm allows 2 failures a minute.
        QTemporaryDir dir;
        const quint16 port = Testing::freePort();
        QVERIFY(QFile::copy(m_dir.filePath(QStringLiteral("users.xml")), dir.filePath(QStringLiteral("users.xml"))));
        QFile file(dir.filePath(QStringLiteral("gateway-config.xml")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("<gateway-config><service><name>s</name><accept>ws://localhost:" + QByteArray::number(port)
                   + "/s</accept><type>echo</type><realm-name>r</realm-name></service><security><realm><name>r</name>"
                     "<authentication><login-throttle><maximum-failures>2</maximum-failures><window>1 min</window>"
                     "</login-throttle><login-modules><login-module><type>file</type><options><file>users.xml</file>"
                     "</options></login-module></login-modules></authentication></realm></security></gateway-config>");
        file.close();
        const auto config = Config::ConfigLoader::loadFile(file.fileName());
        QVERIFY2(config, config ? "" : qPrintable(config.error().first().toString()));
        App::Gateway gateway;
        QVERIFY(gateway.apply(*config));
        const auto attempt = [&](const QByteArray &password) {
            RawClient client(port);
            if (!client.waitConnected())
                return QPair<int, QByteArray>(0, {});
            client.send(request("GET", "/s", kUpgrade + "Sec-WebSocket-Version: 13\r\n" + basic("alice", password)));
            if (!QTest::qWaitFor([&] { return client.received.contains("\r\n\r\n"); }, 10000))
                return QPair<int, QByteArray>(0, {});
            return qMakePair(client.status(), client.headerValue("Retry-After"));
        };
        QCOMPARE(attempt("guess-1").first, 401);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("2 failed logins from 127.0.0.1")));
        QCOMPARE(attempt("guess-2").first, 401);
        const auto blocked = attempt("alice-pw"); // even the right password, or it would confirm a guess
        QCOMPARE(blocked.first, 429);
        QVERIFY(blocked.second.toInt() > 0 && blocked.second.toInt() <= 60);
    }

    void loggedInSessionKnowsItsUserAndTimesOut()
    {
        QNetworkRequest handshake(QUrl(QStringLiteral("wss://localhost:%1/secure").arg(m_tls)));
        handshake.setRawHeader("Authorization", "Basic " + QByteArray("alice:alice-pw").toBase64());
        QWebSocket socket;
        socket.setSslConfiguration(clientTls());
        QSignalSpy connected(&socket, &QWebSocket::connected);
        QSignalSpy disconnected(&socket, &QWebSocket::disconnected);
        socket.open(handshake);
        QVERIFY(connected.wait(10000));
        QVERIFY(echoes(&socket, QStringLiteral("logged in")));
        const auto sessions = m_gateway->sessions()->sessions();
        QVERIFY(std::any_of(sessions.cbegin(), sessions.cend(), [](const Sessions::WebSocketSession *s) {
            return s->connection().user == u"alice" && s->connection().roles.contains(QStringLiteral("AUTHORIZED"));
        }));
        // session-timeout 4s: the session ends with 1008 by itself.
        QVERIFY(disconnected.wait(15000));
        QCOMPARE(socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
        QVERIFY(socket.closeReason().contains(QStringLiteral("session timeout")));
    }

    void slowHeadGets408()
    {
        RawClient client(m_http);
        QVERIFY(client.exchange("GET / HTTP/1.1\r\nHost: loc", 5000));
        QCOMPARE(client.status(), 408);
        QVERIFY(QTest::qWaitFor([&] { return client.closed; }, 5000));
    }

    void idleKeepAliveConnectionIsClosed()
    {
        RawClient client(m_http);
        QVERIFY(client.exchange(request("GET", "/notes.txt")));
        QCOMPARE(client.headerValue("Connection"), QByteArray("keep-alive"));
        QTest::qWait(500);
        QVERIFY2(!client.closed, "closed before http.keepalive.timeout (2s)");
        QVERIFY(QTest::qWaitFor([&] { return client.closed; }, 10000));
    }

    void silentConnectionIsClosed()
    {
        RawClient client(m_http);
        QVERIFY(client.waitConnected());
        QVERIFY(QTest::qWaitFor([&] { return client.closed; }, 5000));
        QVERIFY(client.received.isEmpty());
    }

    void plainTextOnTlsPort()
    {
        RawClient client(m_tls);
        QVERIFY(client.exchange(request("GET", "/")));
        QCOMPARE(client.status(), 400);
        QVERIFY(client.body().contains("TLS"));
        QVERIFY(!client.body().contains("welcome")); // nothing is served in plain text
    }

    void certificateChosenBySni_data()
    {
        QTest::addColumn<QString>("peerName");
        QTest::addColumn<QString>("expected");
        QTest::newRow("localhost") << "localhost" << "localhost";
        QTest::newRow("other.test") << "other.test" << "other.test";
        QTest::newRow("no SNI: the accept host's") << "127.0.0.1" << "localhost";
        QTest::newRow("unknown name: the accept host's") << "unknown.test" << "localhost";
    }
    void certificateChosenBySni()
    {
        QFETCH(QString, peerName);
        QFETCH(QString, expected);
        QSslSocket socket;
        socket.setPeerVerifyMode(QSslSocket::QueryPeer);
        QSignalSpy encrypted(&socket, &QSslSocket::encrypted);
        socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_tls, peerName);
        QVERIFY(encrypted.wait(10000));
        QCOMPARE(socket.peerCertificate().subjectInfo(QSslCertificate::CommonName).value(0), expected);
        QVERIFY(socket.sessionProtocol() == QSsl::TlsV1_3 || socket.sessionProtocol() == QSsl::TlsV1_2);
    }

    // A gateway of its own with one TLS service, for listener-wide TLS options.
    std::unique_ptr<App::Gateway> tlsGateway(quint16 port, const QByteArray &options, const QByteArray &scheme = "wss")
    {
        QFile file(m_dir.filePath(QStringLiteral("tls-options.xml")));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return nullptr;
        const QByteArray truststore = QFile::exists(m_dir.filePath(QStringLiteral("truststore.p12")))
            ? QByteArray("<truststore><file>truststore.p12</file><password-file>truststore.pw</password-file></truststore>")
            : QByteArray();
        file.write("<gateway-config><service><name>t</name><accept>" + scheme + "://localhost:" + QByteArray::number(port)
                   + "/t</accept><type>echo</type><accept-options>" + options + "</accept-options></service>"
                     "<security><keystore><file>keystore.p12</file><password-file>keystore.pw</password-file>"
                     "</keystore>" + truststore + "</security></gateway-config>");
        file.close();
        const auto config = Config::ConfigLoader::loadFile(file.fileName());
        if (!config)
            return nullptr;
        auto gateway = std::make_unique<App::Gateway>();
        if (const auto applied = gateway->apply(*config); !applied) {
            qWarning() << applied.error();
            return nullptr;
        }
        return gateway;
    }

    // The protocol and cipher a client offering `protocol` gets, or nothing.
    static std::optional<QPair<QSsl::SslProtocol, QString>> handshake(quint16 port, QSsl::SslProtocol protocol)
    {
        QSslSocket socket;
        socket.setPeerVerifyMode(QSslSocket::VerifyNone);
        socket.setProtocol(protocol);
        QSignalSpy encrypted(&socket, &QSslSocket::encrypted);
        QSignalSpy failed(&socket, &QSslSocket::errorOccurred);
        socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port, QStringLiteral("localhost"));
        static_cast<void>(QTest::qWaitFor([&] { return encrypted.count() > 0 || failed.count() > 0; }, 10000)); // outcome read below
        if (encrypted.isEmpty())
            return std::nullopt;
        return qMakePair(socket.sessionProtocol(), socket.sessionCipher().name());
    }

    void sslProtocolsLimitTheVersions()
    {
        const quint16 port = Testing::freePort();
        const auto gateway = tlsGateway(port, "<ssl.protocols>TLSv1.3</ssl.protocols>");
        QVERIFY(gateway);
        QVERIFY(!handshake(port, QSsl::TlsV1_2)); // a TLS 1.2-only client is refused
        const auto v13 = handshake(port, QSsl::TlsV1_3OrLater);
        QVERIFY(v13);
        QCOMPARE(v13->first, QSsl::TlsV1_3);
    }

    void sslCiphersChooseTheCipher()
    {
        const quint16 port = Testing::freePort();
        const auto gateway = tlsGateway(port, "<ssl.protocols>TLSv1.2</ssl.protocols>"
                                              "<ssl.ciphers>ECDHE-ECDSA-AES128-GCM-SHA256</ssl.ciphers>");
        QVERIFY(gateway);
        const auto result = handshake(port, QSsl::TlsV1_2);
        QVERIFY(result);
        QCOMPARE(result->second, QStringLiteral("ECDHE-ECDSA-AES128-GCM-SHA256"));
    }

    void unsafeCiphersAreRefusedAtApply()
    {
        const quint16 port = Testing::freePort();
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("not safe")));
        QVERIFY(!tlsGateway(port, "<ssl.ciphers>aNULL</ssl.ciphers>"));
    }

    void sslEncryptionDisabledSpeaksPlainText()
    {
        // Behind a TLS offloader: the accept stays wss://, the socket speaks plain text.
        const quint16 port = Testing::freePort();
        const auto gateway = tlsGateway(port, "<ssl.encryption>disabled</ssl.encryption>");
        QVERIFY(gateway);
        std::unique_ptr<QWebSocket> socket(openWebSocket(QStringLiteral("ws://127.0.0.1:%1/t").arg(port)));
        QVERIFY(echoes(socket.get(), QStringLiteral("offloaded")));
    }

    // The status a TLS client showing `certificate` (or none) gets for a plain GET of /t:
    // 426 means it got past the certificate check to the WebSocket service.
    static int statusWithClientCertificate(quint16 port, const std::optional<Tls::KeystoreEntry> &certificate)
    {
        const QByteArray head = Testing::tlsExchange(port, "GET /t HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                                                     certificate);
        return head.startsWith("HTTP/1.1 ") ? head.mid(9, 3).toInt() : 0;
    }

    void clientCertificates_data()
    {
        QTest::addColumn<QByteArray>("mode");
        QTest::addColumn<QString>("client"); // none, trusted, untrusted
        QTest::addColumn<int>("status");
        QTest::newRow("required, none") << QByteArray("required") << "none" << 403;
        QTest::newRow("required, trusted") << QByteArray("required") << "trusted" << 426;
        QTest::newRow("required, untrusted") << QByteArray("required") << "untrusted" << 403;
        QTest::newRow("optional, none") << QByteArray("optional") << "none" << 426;
        QTest::newRow("optional, trusted") << QByteArray("optional") << "trusted" << 426;
        QTest::newRow("optional, untrusted") << QByteArray("optional") << "untrusted" << 403;
        QTest::newRow("none, untrusted") << QByteArray("none") << "untrusted" << 426;
    }
    void clientCertificates()
    {
        QFETCH(QByteArray, mode);
        QFETCH(QString, client);
        QFETCH(int, status);
        Tls::Keystore truststore;
        truststore.insert(Tls::KeystoreEntry(QStringLiteral("clients-ca"), nullptr, {m_pki.caCertificateHandle()}));
        QVERIFY(truststore.save(m_dir.filePath(QStringLiteral("truststore.p12")), "trust-pw"));
        QFile password(m_dir.filePath(QStringLiteral("truststore.pw")));
        QVERIFY(password.open(QIODevice::WriteOnly) && password.write("trust-pw\n") > 0);
        password.close();
        const quint16 port = Testing::freePort();
        const auto gateway = tlsGateway(port, "<ssl.verify-client>" + mode + "</ssl.verify-client>");
        QVERIFY(gateway);
        TestPki stranger;
        std::optional<Tls::KeystoreEntry> certificate;
        if (client == u"trusted")
            certificate = m_pki.serverEntry(QStringLiteral("alice"), {QStringLiteral("alice.test")});
        else if (client == u"untrusted")
            certificate = stranger.serverEntry(QStringLiteral("mallory"), {QStringLiteral("mallory.test")});
        QCOMPARE(statusWithClientCertificate(port, certificate), status);
        QFile::remove(m_dir.filePath(QStringLiteral("truststore.p12")));
    }

    void oldTlsIsRefused()
    {
        QSslSocket socket;
        socket.setPeerVerifyMode(QSslSocket::VerifyNone);
        QT_WARNING_PUSH
        QT_WARNING_DISABLE_DEPRECATED // TLS 1.1 is deprecated: that is the point of the test
        socket.setProtocol(QSsl::TlsV1_1);
        QT_WARNING_POP
        QSignalSpy encrypted(&socket, &QSslSocket::encrypted);
        QSignalSpy failed(&socket, &QSslSocket::errorOccurred);
        socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_tls, QStringLiteral("localhost"));
        QVERIFY(failed.wait(10000) || socket.state() == QAbstractSocket::UnconnectedState);
        QCOMPARE(encrypted.count(), 0);
    }

    void anyAddressLeavesThePortToNobodyElse()
    {
        Config::GatewayConfig config;
        Config::ServiceConfig service;
        service.name = QStringLiteral("s");
        service.accepts = {QUrl(QStringLiteral("ws://0.0.0.0:%1/a").arg(m_extra)),
                           QUrl(QStringLiteral("wss://127.0.0.1:%1/b").arg(m_extra))};
        config.services = {service};
        const auto checked = App::Gateway::checkListeners(config);
        QVERIFY(!checked);
        QVERIFY2(checked.error().join(u' ').contains(QStringLiteral("binds every address")),
                 qPrintable(checked.error().join(u' ')));
    }

    void reloadRefusesABadFileAndKeepsServing()
    {
        std::unique_ptr<QWebSocket> session(openWebSocket(QStringLiteral("ws://127.0.0.1:%1/echo").arg(m_http)));
        QVERIFY(echoes(session.get(), QStringLiteral("before")));
        writeConfig(configXml().replace("<type>echo</type>", "<type>echoo</type>"));
        const auto reloaded = m_gateway->reload(configPath());
        QVERIFY(!reloaded);
        QVERIFY2(reloaded.error().first().contains(QStringLiteral("unknown service type 'echoo'")),
                 qPrintable(reloaded.error().first()));
        QVERIFY(echoes(session.get(), QStringLiteral("after a refused reload")));
        RawClient client(m_http);
        QVERIFY(client.exchange(request("GET", "/")));
        QCOMPARE(client.status(), 200);
    }

    void reloadAddsAndRemovesListenersAndKeepsSessions()
    {
        std::unique_ptr<QWebSocket> session(openWebSocket(QStringLiteral("wss://localhost:%1/echo").arg(m_tls)));
        QVERIFY(echoes(session.get(), QStringLiteral("before")));
        const QByteArray late = "  <service><name>late</name><accept>ws://localhost:" + QByteArray::number(m_extra)
            + "/late</accept><type>echo</type></service>\n";
        writeConfig(configXml(late));
        const auto added = m_gateway->reload(configPath());
        QVERIFY2(added, added ? "" : qPrintable(added.error().join(u'\n')));
        {
            std::unique_ptr<QWebSocket> lateSocket(openWebSocket(QStringLiteral("ws://127.0.0.1:%1/late").arg(m_extra)));
            QVERIFY(echoes(lateSocket.get(), QStringLiteral("new service")));
        }
        QVERIFY(echoes(session.get(), QStringLiteral("survived the reload")));

        writeConfig(configXml());
        QVERIFY(m_gateway->reload(configPath()));
        RawClient gone(m_extra);
        QVERIFY(QTest::qWaitFor([&] { return gone.socket.state() == QAbstractSocket::UnconnectedState; }, 5000));
        QCOMPARE(gone.socket.error(), QAbstractSocket::ConnectionRefusedError);
        QVERIFY(echoes(session.get(), QStringLiteral("survived the second reload")));
    }

    QByteArray presentedFingerprint()
    {
        QSslSocket socket;
        socket.setPeerVerifyMode(QSslSocket::QueryPeer);
        QSignalSpy encrypted(&socket, &QSslSocket::encrypted);
        socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_tls, QStringLiteral("localhost"));
        if (!encrypted.wait(10000))
            return {};
        return socket.peerCertificate().digest(QCryptographicHash::Sha256).toHex(':').toUpper();
    }

    void keystoreReplacedOnReloadKeepsSessions()
    {
        std::unique_ptr<QWebSocket> session(openWebSocket(QStringLiteral("wss://localhost:%1/echo").arg(m_tls)));
        QVERIFY(echoes(session.get(), QStringLiteral("before")));
        const QByteArray before = presentedFingerprint();
        QVERIFY(!before.isEmpty());

        const Tls::KeystoreEntry renewed = m_pki.serverEntry(QStringLiteral("localhost"), {QStringLiteral("localhost")});
        TestPki::writeKeystore(m_dir.path(), {renewed});
        const auto reloaded = m_gateway->reload(configPath());
        QVERIFY2(reloaded, reloaded ? "" : qPrintable(reloaded.error().join(u'\n')));
        QCOMPARE(presentedFingerprint(), renewed.sha256Fingerprint());
        QVERIFY(before != renewed.sha256Fingerprint());
        QVERIFY(echoes(session.get(), QStringLiteral("the session outlived its certificate")));

        // A broken store is refused: the certificate in service stays, and so do sessions.
        QFile broken(m_dir.filePath(QStringLiteral("keystore.p12")));
        QVERIFY(broken.open(QIODevice::WriteOnly | QIODevice::Truncate));
        broken.write("garbage");
        broken.close();
        const auto refused = m_gateway->reload(configPath());
        QVERIFY(!refused);
        QVERIFY2(refused.error().first().contains(QStringLiteral("keystore")), qPrintable(refused.error().first()));
        QCOMPARE(presentedFingerprint(), renewed.sha256Fingerprint());
        QVERIFY(echoes(session.get(), QStringLiteral("still here")));
        TestPki::writeKeystore(m_dir.path(), {renewed});
    }

    void shutdownClosesSessionsWith1001()
    {
        std::unique_ptr<QWebSocket> ws(openWebSocket(QStringLiteral("ws://127.0.0.1:%1/echo").arg(m_http)));
        std::unique_ptr<QWebSocket> wss(openWebSocket(QStringLiteral("wss://localhost:%1/echo").arg(m_tls)));
        QVERIFY(echoes(ws.get(), QStringLiteral("x")) && echoes(wss.get(), QStringLiteral("y")));
        QSignalSpy stopped(m_gateway, &App::Gateway::stopped);
        QSignalSpy wsClosed(ws.get(), &QWebSocket::disconnected);
        QSignalSpy wssClosed(wss.get(), &QWebSocket::disconnected);
        m_gateway->shutdown(std::chrono::seconds(5));
        QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(wsClosed.count(), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(wssClosed.count(), 1, 5000);
        QCOMPARE(ws->closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
        QCOMPARE(wss->closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
        RawClient refused(m_http);
        QVERIFY(QTest::qWaitFor([&] { return refused.socket.state() == QAbstractSocket::UnconnectedState; }, 5000));
    }
};

QTEST_GUILESS_MAIN(TestGateway)
#include "tst_gateway.moc"
