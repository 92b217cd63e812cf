// The proxy service end to end, on an in-process gateway with real back-ends on loopback
// that the test starts: a TCP echo, TLS echoes (trusted, untrusted, wrong name, expired), a
// WebSocket back-end (Qt's own implementation, independent of Postern's), back-ends that
// refuse, stay silent or leave mid-session, a slow reader, and the three connect strategies.

#include "app/gateway.h"
#include "config/configloader.h"
#include "net/descriptortransport.h"
#include "proxy/proxyrelay.h"
#include "sessions/sessionregistry.h"
#include "sessions/websocketsession.h"
#include "tls/certificatefactory.h"
#include "rawclient.h"
#include "testpki.h"

#include <QCryptographicHash>
#include <QSslKey>
#include <QSslServer>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>
#include <QWebSocketServer>
#include <QtEndian>
#include <QtTest>

#include <sys/socket.h>

using namespace Postern;
using Testing::TestPki;

namespace {

// Echoes every byte; with TLS when given a certificate. Counts the connections it accepted.
class EchoBackend : public QObject
{
public:
    explicit EchoBackend(const std::optional<Tls::KeystoreEntry> &certificate = std::nullopt)
    {
        if (certificate) {
            auto *ssl = new QSslServer(this);
            QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
            configuration.setLocalCertificateChain(certificate->certificateChain());
            configuration.setPrivateKey(certificate->privateKey());
            configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
            ssl->setSslConfiguration(configuration);
            QObject::connect(ssl, &QSslServer::errorOccurred, this, [](QSslSocket *, QAbstractSocket::SocketError) {});
            m_server = ssl;
        } else {
            m_server = new QTcpServer(this);
        }
        QObject::connect(m_server, &QTcpServer::pendingConnectionAvailable, this, [this] {
            while (QTcpSocket *socket = m_server->nextPendingConnection()) {
                ++accepted;
                sockets.append(socket);
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                    const QByteArray data = socket->readAll();
                    received += data;
                    socket->write(data);
                });
            }
        });
        if (!m_server->listen(QHostAddress::LocalHost))
            qFatal("echo back-end cannot listen");
    }
    quint16 port() const { return m_server->serverPort(); }

    int accepted = 0;
    QByteArray received; // by every connection
    QList<QPointer<QTcpSocket>> sockets;

private:
    QTcpServer *m_server;
};

// A WebSocket back-end built on Qt's own WebSocket code: echoes messages as they came and
// remembers what each handshake carried.
class WebSocketBackend : public QObject
{
public:
    explicit WebSocketBackend(const std::optional<Tls::KeystoreEntry> &certificate = std::nullopt)
        : m_server(QStringLiteral("backend"), certificate ? QWebSocketServer::SecureMode : QWebSocketServer::NonSecureMode)
    {
        m_server.setSupportedSubprotocols({QStringLiteral("chat.v2"), QStringLiteral("chat.v1")});
        if (certificate) {
            QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
            configuration.setLocalCertificateChain(certificate->certificateChain());
            configuration.setPrivateKey(certificate->privateKey());
            configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
            m_server.setSslConfiguration(configuration);
        }
        QObject::connect(&m_server, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *socket = m_server.nextPendingConnection()) {
                socket->setParent(this);
                sockets.append(socket);
                requests.append(socket->request());
                protocols.append(socket->subprotocol());
                QObject::connect(socket, &QWebSocket::textMessageReceived, socket, [socket](const QString &message) {
                    if (message.startsWith(u"close:")) // "close:4002:why"
                        socket->close(QWebSocketProtocol::CloseCode(message.section(u':', 1, 1).toInt()), message.section(u':', 2));
                    else
                        socket->sendTextMessage(message);
                });
                QObject::connect(socket, &QWebSocket::binaryMessageReceived, socket,
                                 [socket](const QByteArray &message) { socket->sendBinaryMessage(message); });
                QObject::connect(socket, &QWebSocket::disconnected, this, [this, socket] {
                    closeCodes.append(int(socket->closeCode()));
                    closeReasons.append(socket->closeReason());
                });
            }
        });
        if (!m_server.listen(QHostAddress::LocalHost))
            qFatal("WebSocket back-end cannot listen");
    }
    quint16 port() const { return m_server.serverPort(); }

    QList<QWebSocket *> sockets;
    QList<QNetworkRequest> requests;
    QStringList protocols;
    // As numbers: QWebSocketProtocol::CloseCode has no fixed underlying type and no value
    // above 1015, so a stored 4002 in it is undefined behaviour (UBSan's "enum" check).
    QList<int> closeCodes;
    QStringList closeReasons;

private:
    QWebSocketServer m_server;
};

// Accepts connections and then does something else than serving: reads nothing and says
// nothing, or answers with a fixed text.
class OddBackend : public QObject
{
public:
    explicit OddBackend(QByteArray answer = {}) : m_answer(std::move(answer))
    {
        QObject::connect(&m_server, &QTcpServer::pendingConnectionAvailable, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                sockets.append(socket);
                if (!m_answer.isEmpty())
                    QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                        socket->readAll();
                        socket->write(m_answer);
                        socket->disconnectFromHost();
                    });
            }
        });
        if (!m_server.listen(QHostAddress::LocalHost))
            qFatal("back-end cannot listen");
    }
    quint16 port() const { return m_server.serverPort(); }
    QList<QPointer<QTcpSocket>> sockets;

private:
    QTcpServer m_server;
    QByteArray m_answer;
};

// A raw WebSocket client that reads slowly (16 KiB every 20 ms), counts the payload of the
// frames it gets (server frames are unmasked) and notes the close code, if one comes.
class SlowClient
{
public:
    explicit SlowClient(quint16 port, const QByteArray &path)
    {
        socket.setReadBufferSize(16 * 1024);
        socket.connectToHost(QHostAddress::LocalHost, port);
        if (!socket.waitForConnected(5000))
            return;
        socket.write(Testing::request("GET", path, Testing::kUpgrade + "Sec-WebSocket-Version: 13\r\n"));
        if (!QTest::qWaitFor([&] { return socket.peek(4096).contains("\r\n\r\n"); }, 5000))
            return;
        upgraded = socket.peek(12) == "HTTP/1.1 101";
        socket.read(socket.peek(4096).indexOf("\r\n\r\n") + 4);
    }

    // Reads for one step; `sample` is called each step.
    void step()
    {
        QTest::qWait(20);
        stream += socket.read(16 * 1024);
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
                payload += size;
            stream.remove(0, header + size);
        }
    }

    QTcpSocket socket;
    QByteArray stream;
    bool upgraded = false;
    qint64 payload = 0;
    int closeCode = 0;
};

QWebSocket *open(const QString &url, const QStringList &protocols = {})
{
    auto *socket = new QWebSocket;
    socket->setMaxAllowedIncomingMessageSize(16 * 1024 * 1024);
    QSignalSpy connected(socket, &QWebSocket::connected);
    QWebSocketHandshakeOptions options;
    options.setSubprotocols(protocols);
    socket->open(QNetworkRequest(QUrl(url)), options);
    if (!connected.wait(10000))
        qWarning() << "could not open" << url << socket->errorString();
    return socket;
}

// The HTTP status a handshake to `port` `path` is answered with.
int handshakeStatus(quint16 port, const QByteArray &path)
{
    Testing::RawClient client(port);
    if (!client.exchange(Testing::request("GET", path, Testing::kUpgrade + "Sec-WebSocket-Version: 13\r\n"), 15000))
        return 0;
    return client.status();
}

} // namespace

class TestProxy : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    TestPki m_pki;
    quint16 m_port = 0;
    std::unique_ptr<App::Gateway> m_gateway;

    QString url(const QString &path) const { return QStringLiteral("ws://127.0.0.1:%1/%2").arg(m_port).arg(path); }

    // A gateway with one proxy service per line of `services`: "name connect-url [properties-xml] [connect-options-xml]".
    bool start(const QList<QStringList> &services)
    {
        m_gateway.reset();
        m_port = Testing::freePort();
        QByteArray xml = "<gateway-config>\n";
        for (const QStringList &service : services) {
            xml += "<service><name>" + service[0].toUtf8() + "</name><accept>ws://127.0.0.1:" + QByteArray::number(m_port) + "/"
                + service[0].toUtf8() + "</accept><connect>" + service[1].toUtf8() + "</connect><type>proxy</type>";
            if (service.size() > 2 && !service[2].isEmpty())
                xml += "<properties>" + service[2].toUtf8() + "</properties>";
            if (service.size() > 3)
                xml += "<connect-options>" + service[3].toUtf8() + "</connect-options>";
            xml += "</service>\n";
        }
        xml += "<security><truststore><file>truststore.p12</file><password-file>truststore.pw</password-file></truststore>"
               "</security></gateway-config>\n";
        QFile file(m_dir.filePath(QStringLiteral("gateway-config.xml")));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return false;
        file.write(xml);
        file.close();
        const auto config = Config::ConfigLoader::loadFile(file.fileName());
        if (!config) {
            qWarning() << config.error().first().toString();
            return false;
        }
        m_gateway = std::make_unique<App::Gateway>();
        const auto applied = m_gateway->apply(*config);
        if (!applied)
            qWarning() << applied.error();
        return bool(applied);
    }

    Sessions::WebSocketSession *onlySession() const
    {
        const auto sessions = m_gateway->sessions()->sessions();
        return sessions.size() == 1 ? sessions.first() : nullptr;
    }

    static bool echoesBinary(QWebSocket *socket, const QByteArray &payload)
    {
        QSignalSpy received(socket, &QWebSocket::binaryMessageReceived);
        socket->sendBinaryMessage(payload);
        QByteArray back;
        const bool complete = QTest::qWaitFor([&] {
            for (; !received.isEmpty(); received.removeFirst())
                back += received.first().first().toByteArray();
            return back.size() >= payload.size();
        }, 10000);
        return complete && back == payload;
    }

    // Waits for `socket` to be closed and returns its close code.
    static int closeCode(QWebSocket *socket)
    {
        if (socket->state() != QAbstractSocket::UnconnectedState) {
            QSignalSpy disconnected(socket, &QWebSocket::disconnected);
            if (!disconnected.wait(10000))
                return -1;
        }
        return socket->closeCode();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        Tls::Keystore truststore;
        truststore.insert(Tls::KeystoreEntry(QStringLiteral("backends-ca"), nullptr, {m_pki.caCertificateHandle()}));
        QVERIFY(truststore.save(m_dir.filePath(QStringLiteral("truststore.p12")), "trust-pw"));
        QFile password(m_dir.filePath(QStringLiteral("truststore.pw")));
        QVERIFY(password.open(QIODevice::WriteOnly));
        password.write("trust-pw\n");
    }

    void cleanup()
    {
        m_gateway.reset();
    }

    void tcpBackend()
    {
        EchoBackend backend;
        QVERIFY(start({{QStringLiteral("p"), QStringLiteral("tcp://127.0.0.1:%1").arg(backend.port())}}));
        std::unique_ptr<QWebSocket> client(open(url(QStringLiteral("p"))));
        QVERIFY(client->isValid());
        QVERIFY(echoesBinary(client.get(), "hello over tcp"));
        // A text message's bytes go out as they are; what comes back is binary.
        QSignalSpy binary(client.get(), &QWebSocket::binaryMessageReceived);
        client->sendTextMessage(QStringLiteral("κείμενο"));
        QVERIFY(binary.wait(5000));
        QCOMPARE(binary.first().first().toByteArray(), QStringLiteral("κείμενο").toUtf8());
        QVERIFY(echoesBinary(client.get(), QByteArray(100'000, 'x')));
        // The registry knows the session and its back-end.
        Sessions::WebSocketSession *session = onlySession();
        QVERIFY(session);
        QVERIFY2(session->backend().startsWith(QStringLiteral("tcp://127.0.0.1:%1 (127.0.0.1:").arg(backend.port())),
                 qPrintable(session->backend()));
        QVERIFY(session->counters().bytesIn >= 100'000 && session->counters().bytesOut >= 100'000);
        // Client close: the back-end connection is shut down too.
        client->close();
        QTRY_VERIFY_WITH_TIMEOUT(backend.sockets.value(0).isNull()
                                     || backend.sockets.value(0)->state() == QAbstractSocket::UnconnectedState, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(m_gateway->sessions()->count(), 0, 5000);
    }

    void backendLeavingClosesWith1000()
    {
        EchoBackend backend;
        QVERIFY(start({{QStringLiteral("p"), QStringLiteral("tcp://127.0.0.1:%1").arg(backend.port())}}));
        std::unique_ptr<QWebSocket> client(open(url(QStringLiteral("p"))));
        QVERIFY(echoesBinary(client.get(), "first"));
        QTRY_COMPARE(backend.sockets.size(), 1);
        backend.sockets.first()->write("last words");
        backend.sockets.first()->disconnectFromHost();
        QSignalSpy binary(client.get(), &QWebSocket::binaryMessageReceived);
        QCOMPARE(closeCode(client.get()), 1000);
        QCOMPARE(binary.size(), 1); // what it sent before it left arrived first
        QCOMPARE(binary.first().first().toByteArray(), QByteArray("last words"));
    }

    void backendEndings_data()
    {
        QTest::addColumn<bool>("tls");
        QTest::addColumn<bool>("reset");
        QTest::addColumn<int>("code");
        QTest::newRow("tcp, end of stream") << false << false << 1000;
        QTest::newRow("tcp, reset") << false << true << 1011;
        QTest::newRow("ssl, TLS close") << true << false << 1000;
        QTest::newRow("ssl, reset") << true << true << 1011;
    }

    void backendEndings()
    {
        QFETCH(bool, tls);
        QFETCH(bool, reset);
        QFETCH(int, code);
        std::optional<Tls::KeystoreEntry> certificate;
        if (tls)
            certificate = m_pki.serverEntry(QStringLiteral("localhost"), {QStringLiteral("localhost")});
        EchoBackend backend(certificate);
        QVERIFY(start({{QStringLiteral("p"), QStringLiteral("%1://localhost:%2").arg(tls ? u"ssl" : u"tcp").arg(backend.port())}}));
        std::unique_ptr<QWebSocket> client(open(url(QStringLiteral("p"))));
        QVERIFY(echoesBinary(client.get(), "first"));
        QTRY_COMPARE(backend.sockets.size(), 1);
        QTcpSocket *socket = backend.sockets.first();
        if (reset) {
            // SO_LINGER 0, then close: the kernel sends a reset, not an end of stream.
            struct linger hard = {1, 0};
            QCOMPARE(setsockopt(int(socket->socketDescriptor()), SOL_SOCKET, SO_LINGER, &hard, sizeof hard), 0);
            socket->abort();
        } else {
            socket->disconnectFromHost();
        }
        QCOMPARE(closeCode(client.get()), code);
    }

    void unreachableBackendIs502()
    {
        const quint16 closed = Testing::freePort();
        QVERIFY(start({{QStringLiteral("p"), QStringLiteral("tcp://127.0.0.1:%1").arg(closed)}}));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^refused client=\\S+ service=p status=502 reason=\"cannot "
                                                                             "connect to back-end tcp://127.0.0.1:\\d+: Connection refused\"$")));
        QCOMPARE(handshakeStatus(m_port, "/p"), 502);
        QCOMPARE(m_gateway->sessions()->count(), 0);
    }

    void tlsBackends_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("logged");
        QTest::newRow("trusted") << "trusted" << 101 << "";
        QTest::newRow("untrusted") << "untrusted" << 502
                                   << "certificate 'localhost' of localhost:\\d+ refused: The root certificate of the certificate chain is self-signed, and untrusted";
        QTest::newRow("wrong host name") << "wrong name" << 502 << "certificate 'elsewhere.test' of localhost:\\d+ refused: The host name did not match";
        QTest::newRow("expired") << "expired" << 502 << "certificate 'localhost' of localhost:\\d+ refused: The certificate has expired";
    }

    void tlsBackends()
    {
        QFETCH(QString, kind);
        QFETCH(int, status);
        QFETCH(QString, logged);
        TestPki stranger;
        std::optional<Tls::KeystoreEntry> certificate;
        if (kind == u"trusted") {
            certificate = m_pki.serverEntry(QStringLiteral("localhost"), {QStringLiteral("localhost")});
        } else if (kind == u"untrusted") {
            certificate = stranger.serverEntry(QStringLiteral("localhost"), {QStringLiteral("localhost")});
        } else if (kind == u"wrong name") {
            certificate = m_pki.serverEntry(QStringLiteral("elsewhere"), {QStringLiteral("elsewhere.test")});
        } else {
            auto key = *Tls::CertificateFactory::generateKey({Tls::KeySpec::Type::EcP256, 0});
            Tls::CertificateRequest request;
            request.commonName = QStringLiteral("localhost");
            request.dnsNames = {QStringLiteral("localhost")};
            request.notBefore = QDateTime::currentDateTimeUtc().addDays(-10);
            request.notAfter = QDateTime::currentDateTimeUtc().addDays(-1);
            certificate = Tls::KeystoreEntry(QStringLiteral("localhost"), key, {m_pki.sign(key.get(), request), m_pki.caCertificateHandle()});
        }
        EchoBackend backend(certificate);
        // "localhost", not 127.0.0.1: the host name the certificate must carry and SNI sends.
        QVERIFY(start({{QStringLiteral("p"), QStringLiteral("ssl://localhost:%1").arg(backend.port())}}));
        if (!logged.isEmpty())
            QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("status=502 reason=\"TLS with back-end ssl://localhost:\\d+ failed: ")
                                                                  + logged));
        if (status != 101) {
            QCOMPARE(handshakeStatus(m_port, "/p"), status);
            return;
        }
        std::unique_ptr<QWebSocket> client(open(url(QStringLiteral("p"))));
        QVERIFY(echoesBinary(client.get(), "over TLS to the back-end"));
    }

    void webSocketBackend()
    {
        WebSocketBackend backend;
        QVERIFY(start({{QStringLiteral("p"), QStringLiteral("ws://127.0.0.1:%1/chat?room=7").arg(backend.port())}}));
        std::unique_ptr<QWebSocket> client(open(url(QStringLiteral("p")), {QStringLiteral("chat.v1"), QStringLiteral("chat.v2")}));
        QVERIFY(client->isValid());
        // The back-end got the client's offer and chose from it; the client was told its choice.
        const QNetworkRequest request = backend.requests.value(0);
        QCOMPARE(request.rawHeader("Sec-WebSocket-Protocol"), QByteArray("chat.v1, chat.v2"));
        QCOMPARE(backend.protocols.value(0), QStringLiteral("chat.v1")); // Qt's server takes the client's first it knows
        QCOMPARE(client->subprotocol(), QStringLiteral("chat.v1"));
        QCOMPARE(request.url().path(), QStringLiteral("/chat"));
        QCOMPARE(request.url().query(), QStringLiteral("room=7"));
        QCOMPARE(request.rawHeader("X-Forwarded-For"), QByteArray("127.0.0.1"));
        QCOMPARE(request.rawHeader("Forwarded"), QByteArray("for=127.0.0.1;proto=http"));

        // Types are kept: text stays text, binary stays binary.
        QSignalSpy text(client.get(), &QWebSocket::textMessageReceived);
        QSignalSpy binary(client.get(), &QWebSocket::binaryMessageReceived);
        client->sendTextMessage(QStringLiteral("κόσμε"));
        client->sendBinaryMessage(QByteArray("\x00\xff", 2));
        QTRY_COMPARE(text.size() + binary.size(), 2);
        QCOMPARE(text.first().first().toString(), QStringLiteral("κόσμε"));
        QCOMPARE(binary.first().first().toByteArray(), QByteArray("\x00\xff", 2));
        QVERIFY(echoesBinary(client.get(), QByteArray(120'000, 'w')));

        // The back-end's close code and reason reach the client.
        client->sendTextMessage(QStringLiteral("close:4002:asked to"));
        QCOMPARE(closeCode(client.get()), 4002);
        QCOMPARE(client->closeReason(), QStringLiteral("asked to"));
        QTRY_COMPARE_WITH_TIMEOUT(m_gateway->sessions()->count(), 0, 5000);
    }

    void clientCloseReachesTheWebSocketBackend()
    {
        WebSocketBackend backend;
        QVERIFY(start({{QStringLiteral("p"), QStringLiteral("ws://127.0.0.1:%1/").arg(backend.port())}}));
        std::unique_ptr<QWebSocket> client(open(url(QStringLiteral("p"))));
        QVERIFY(client->isValid());
        client->close(QWebSocketProtocol::CloseCode(4100), QStringLiteral("done here"));
        QTRY_COMPARE_WITH_TIMEOUT(backend.closeCodes.size(), 1, 5000);
        QCOMPARE(backend.closeCodes.first(), 4100);
        QCOMPARE(backend.closeReasons.first(), QStringLiteral("done here"));
        QCOMPARE(closeCode(client.get()), 4100); // the back-end's answer
    }

    void fragmentsAreCarriedAsTheyCame()
    {
        // A raw client sends a text message in three fragments; Qt's back-end sees the frames.
        WebSocketBackend backend;
        QVERIFY(start({{QStringLiteral("p"), QStringLiteral("ws://127.0.0.1:%1/").arg(backend.port())}}));
        Testing::RawClient client(m_port);
        QVERIFY(client.exchange(Testing::request("GET", "/p", Testing::kUpgrade + "Sec-WebSocket-Version: 13\r\n")));
        QCOMPARE(client.status(), 101);
        QTRY_COMPARE(backend.sockets.size(), 1);
        QSignalSpy frames(backend.sockets.first(), &QWebSocket::textFrameReceived);
        const auto frame = [](quint8 first, const QByteArray &payload) {
            QByteArray bytes;
            bytes.append(char(first)).append(char(0x80 | payload.size())).append(QByteArray(4, '\0')).append(payload);
            return bytes;
        };
        client.send(frame(0x01, "one ") + frame(0x00, "two ") + frame(0x80, "three"));
        QTRY_COMPARE(frames.size(), 3);
        QCOMPARE(frames[0].first().toString(), QStringLiteral("one "));
        QCOMPARE(frames[0].last().toBool(), false);
        QCOMPARE(frames[2].first().toString(), QStringLiteral("three"));
        QCOMPARE(frames[2].last().toBool(), true);
    }

    void secureWebSocketBackend()
    {
        WebSocketBackend backend(m_pki.serverEntry(QStringLiteral("localhost"), {QStringLiteral("localhost")}));
        QVERIFY(start({{QStringLiteral("p"), QStringLiteral("wss://localhost:%1/").arg(backend.port())}}));
        std::unique_ptr<QWebSocket> client(open(url(QStringLiteral("p"))));
        QVERIFY(client->isValid());
        QVERIFY(echoesBinary(client.get(), "through wss"));
    }

    void webSocketBackendRefusalsAre502Or504_data()
    {
        QTest::addColumn<QByteArray>("answer"); // empty: the back-end says nothing
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("logged");
        QTest::newRow("refuses the upgrade") << QByteArray("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n") << 502
                                             << "refused the WebSocket handshake: 403 Forbidden";
        QTest::newRow("wrong accept key") << QByteArray("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                                        "Connection: Upgrade\r\nSec-WebSocket-Accept: bm90IGl0\r\n\r\n")
                                          << 502 << "answered the WebSocket handshake wrongly: Sec-WebSocket-Accept";
        QTest::newRow("not HTTP") << QByteArray("SSH-2.0-OpenSSH\r\n\r\n") << 502 << "answered the WebSocket handshake with something that is not HTTP";
        QTest::newRow("silent") << QByteArray() << 504 << "did not answer the WebSocket handshake within 1000 ms";
    }

    void webSocketBackendRefusalsAre502Or504()
    {
        QFETCH(QByteArray, answer);
        QFETCH(int, status);
        QFETCH(QString, logged);
        OddBackend backend(answer);
        QVERIFY(start({{QStringLiteral("p"), QStringLiteral("ws://127.0.0.1:%1/").arg(backend.port()), {},
                        QStringLiteral("<connect.timeout>1s</connect.timeout>")}}));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("status=%1 reason=\"back-end ws://127.0.0.1:\\d+/ ")
                                                                  .arg(status) + QRegularExpression::escape(logged)));
        QCOMPARE(handshakeStatus(m_port, "/p"), status);
    }

    void silentWebSocketBackendIsClosedByItsInactivityTimeout()
    {
        // A back-end that completes the handshake and then answers nothing, not even pings.
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        QList<QPointer<QTcpSocket>> sockets;
        QByteArray seen;
        QObject::connect(&server, &QTcpServer::pendingConnectionAvailable, [&] {
            QTcpSocket *socket = server.nextPendingConnection();
            sockets.append(socket);
            QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket, &seen] {
                const QByteArray data = socket->readAll();
                seen += data;
                const qsizetype at = data.indexOf("Sec-WebSocket-Key: ");
                if (at < 0)
                    return;
                const QByteArray key = data.mid(at + 19, 24);
                const QByteArray accept = QCryptographicHash::hash(QByteArray(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
                                                                   QCryptographicHash::Sha1).toBase64();
                socket->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                              "Sec-WebSocket-Accept: " + accept + "\r\n\r\n");
            });
        });
        QVERIFY(start({{QStringLiteral("p"), QStringLiteral("ws://127.0.0.1:%1/").arg(server.serverPort()), {},
                        QStringLiteral("<ws.inactivity.timeout>1s</ws.inactivity.timeout>")}}));
        std::unique_ptr<QWebSocket> client(open(url(QStringLiteral("p"))));
        QVERIFY(client->isValid());
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(closeCode(client.get()), 1011);
        QVERIFY2(client->closeReason().contains(u"inactivity timeout"), qPrintable(client->closeReason()));
        // A masked ping went to the back-end first (0x89, then the mask bit).
        QVERIFY(seen.contains(QByteArray("\x89\x80", 2)));
    }

    void preparedWebSocketConnectionsUpgradeForTheClient()
    {
        // The pool holds transports; the WebSocket handshake (with the client's offer and
        // address) is made when the client comes.
        WebSocketBackend backend;
        QVERIFY(start({{QStringLiteral("p"), QStringLiteral("ws://127.0.0.1:%1/").arg(backend.port()),
                        QStringLiteral("<connect.strategy>prepared</connect.strategy>")}}));
        QTest::qWait(300);
        QCOMPARE(backend.requests.size(), 0);
        std::unique_ptr<QWebSocket> client(open(url(QStringLiteral("p")), {QStringLiteral("chat.v2")}));
        QVERIFY(client->isValid());
        QCOMPARE(client->subprotocol(), QStringLiteral("chat.v2"));
        QCOMPARE(backend.requests.value(0).rawHeader("X-Forwarded-For"), QByteArray("127.0.0.1"));
        QVERIFY(echoesBinary(client.get(), "prepared ws"));
    }

    void slowBackendBoundsWhatTheGatewayHolds()
    {
        // The back-end reads 16 KiB every 20 ms; the client floods 6 MiB. What the gateway holds
        // for the session never goes over maximum.pending.bytes (64k), and all arrives intact.
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        QPointer<QTcpSocket> slow;
        QByteArray received;
        QObject::connect(&server, &QTcpServer::pendingConnectionAvailable, [&] {
            slow = server.nextPendingConnection();
            slow->setReadBufferSize(16 * 1024);
        });
        QTimer reader;
        QObject::connect(&reader, &QTimer::timeout, [&] {
            if (slow)
                received += slow->read(16 * 1024);
        });
        reader.start(20);
        QVERIFY(start({{QStringLiteral("p"), QStringLiteral("tcp://127.0.0.1:%1").arg(server.serverPort()),
                        QStringLiteral("<maximum.pending.bytes>64k</maximum.pending.bytes>")}}));
        std::unique_ptr<QWebSocket> client(open(url(QStringLiteral("p"))));
        QVERIFY(client->isValid());
        // The session, its relay and its back-end connection are made in the session's thread
        // (a worker's, perhaps): wait until this thread sees them.
        Sessions::WebSocketSession *session = nullptr;
        QTRY_VERIFY((session = onlySession()));
        Proxy::ProxyRelay *relay = nullptr;
        QTRY_VERIFY((relay = session->findChild<Proxy::ProxyRelay *>()));
        // Small, fixed kernel buffers on the back-end connection (the gateway's send buffer,
        // the back-end's receive buffer): otherwise the kernel's growing buffers can take the
        // whole flood, the gateway writes straight into them and never has to hold anything back.
        // (A plain back-end connection is Postern's own descriptor transport.)
        Net::DescriptorTransport *toBackend = nullptr;
        QTRY_VERIFY((toBackend = relay->findChild<Net::DescriptorTransport *>()));
        QTRY_VERIFY(slow);
        const int kernelBuffer = 16 * 1024;
        QCOMPARE(::setsockopt(toBackend->descriptor(), SOL_SOCKET, SO_SNDBUF, &kernelBuffer, sizeof kernelBuffer), 0);
        QCOMPARE(::setsockopt(int(slow->socketDescriptor()), SOL_SOCKET, SO_RCVBUF, &kernelBuffer, sizeof kernelBuffer), 0);

        QByteArray sent;
        for (int i = 0; i < 96; ++i) {
            const QByteArray message(64 * 1024, char('a' + i % 26));
            sent += message;
            client->sendBinaryMessage(message);
        }
        qint64 most = 0;
        QTimer sampler;
        QObject::connect(&sampler, &QTimer::timeout, [&] { most = qMax(most, relay->bufferedBytes()); });
        sampler.start(2);
        QVERIFY(QTest::qWaitFor([&] { return received.size() >= sent.size(); }, 120'000));
        sampler.stop();
        QCOMPARE(received.size(), sent.size());
        QVERIFY(received == sent);
        qInfo() << "most held for the session:" << most << "bytes of a 65536-byte budget";
        QVERIFY2(most <= 64 * 1024, qPrintable(QString::number(most)));
        // The budget was used, not idle: buffering reached at least half of it.
        QVERIFY2(most >= 32 * 1024, qPrintable(QString::number(most)));
    }

    void slowClientBoundsWhatTheGatewayHolds()
    {
        // The back-end floods 6 MiB toward a client that reads slowly (raw socket).
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        QObject::connect(&server, &QTcpServer::pendingConnectionAvailable, [&] {
            QTcpSocket *socket = server.nextPendingConnection();
            for (int i = 0; i < 96; ++i)
                socket->write(QByteArray(64 * 1024, char('A' + i % 26)));
        });
        QVERIFY(start({{QStringLiteral("p"), QStringLiteral("tcp://127.0.0.1:%1").arg(server.serverPort())}}));
        SlowClient client(m_port, "/p");
        QVERIFY(client.upgraded);
        QTRY_VERIFY(onlySession());
        Proxy::ProxyRelay *relay = nullptr; // made just after the session is registered
        QTRY_VERIFY((relay = onlySession()->findChild<Proxy::ProxyRelay *>()));
        qint64 most = 0;
        QElapsedTimer clock;
        clock.start();
        while (client.payload < 96 * 64 * 1024 && clock.elapsed() < 120'000) {
            client.step();
            most = qMax(most, relay->bufferedBytes());
        }
        const qint64 payload = client.payload;
        QCOMPARE(payload, qint64(96 * 64 * 1024));
        qInfo() << "most held for the session:" << most << "bytes of a 65536-byte budget";
        QVERIFY2(most <= 64 * 1024, qPrintable(QString::number(most)));
        QVERIFY2(most >= 32 * 1024, qPrintable(QString::number(most)));
    }

    void whatABackendSentBeforeLeavingStillArrives()
    {
        // A ws back-end sends 4 MiB, closes with 4000 and goes; the client reads slowly, so
        // most of it still waits in the gateway when the back-end's connection ends.
        WebSocketBackend backend;
        QVERIFY(start({{QStringLiteral("p"), QStringLiteral("ws://127.0.0.1:%1/").arg(backend.port())}}));
        SlowClient client(m_port, "/p");
        QVERIFY(client.upgraded);
        QTRY_COMPARE(backend.sockets.size(), 1);
        QWebSocket *server = backend.sockets.first();
        for (int i = 0; i < 64; ++i)
            server->sendBinaryMessage(QByteArray(64 * 1024, 'b'));
        server->close(QWebSocketProtocol::CloseCode(4000), QStringLiteral("bye"));
        QElapsedTimer clock;
        clock.start();
        while (client.closeCode == 0 && clock.elapsed() < 60'000)
            client.step();
        QCOMPARE(client.payload, qint64(64 * 64 * 1024));
        QCOMPARE(client.closeCode, 4000);
    }

    void deferredEmptyFramesAreBounded()
    {
        // While a deferred connection is being made (the back-end never answers the
        // handshake), what the client sends waits within the budget: empty frames too.
        OddBackend backend;
        QVERIFY(start({{QStringLiteral("p"), QStringLiteral("ws://127.0.0.1:%1/").arg(backend.port()),
                        QStringLiteral("<connect.strategy>deferred</connect.strategy>"),
                        QStringLiteral("<connect.timeout>5s</connect.timeout>")}}));
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, m_port);
        QVERIFY(client.waitForConnected(5000));
        client.write(Testing::request("GET", "/p", Testing::kUpgrade + "Sec-WebSocket-Version: 13\r\n"));
        QTRY_VERIFY(onlySession());
        Proxy::ProxyRelay *relay = nullptr; // made just after the session is registered
        QTRY_VERIFY((relay = onlySession()->findChild<Proxy::ProxyRelay *>()));
        const QByteArray empty("\x82\x80\0\0\0\0", 6); // an empty binary frame, masked
        qint64 most = 0;
        for (int i = 0; i < 100; ++i) {
            client.write(empty.repeated(2000));
            QTest::qWait(5);
            most = qMax(most, relay->bufferedBytes());
        }
        QVERIFY2(most <= 64 * 1024, qPrintable(QString::number(most)));
    }

    void deferredKeepsWhatCameBeforeTheClose()
    {
        // "hello" and a close in one write, before the back-end is even connected: the
        // back-end still gets "hello", and the client its answer.
        EchoBackend backend;
        QVERIFY(start({{QStringLiteral("p"), QStringLiteral("tcp://127.0.0.1:%1").arg(backend.port()),
                        QStringLiteral("<connect.strategy>deferred</connect.strategy>")}}));
        Testing::RawClient client(m_port);
        QVERIFY(client.exchange(Testing::request("GET", "/p", Testing::kUpgrade + "Sec-WebSocket-Version: 13\r\n")));
        QCOMPARE(client.status(), 101);
        client.received.clear();
        const auto frame = [](quint8 first, const QByteArray &payload) {
            QByteArray bytes;
            bytes.append(char(first)).append(char(0x80 | payload.size())).append(QByteArray(4, '\0')).append(payload);
            return bytes;
        };
        client.send(frame(0x82, "hello") + frame(0x88, QByteArray("\x03\xe8", 2)));
        QTRY_COMPARE_WITH_TIMEOUT(backend.received, QByteArray("hello"), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(client.received.contains(QByteArray("\x88\x02\x03\xe8", 4)), 5000); // answered 1000
        QTRY_COMPARE_WITH_TIMEOUT(m_gateway->sessions()->count(), 0, 10000);
    }

    void preparedBackOffFromABackendThatHangsUp()
    {
        // A back-end that accepts and closes at once: the pool waits between tries instead of
        // reconnecting as fast as it is hung up on.
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        int accepted = 0;
        QObject::connect(&server, &QTcpServer::pendingConnectionAvailable, [&] {
            while (QTcpSocket *socket = server.nextPendingConnection()) {
                ++accepted;
                socket->abort();
                socket->deleteLater();
            }
        });
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot prepare connections: .*closed a prepared "
                                                                             "connection right after accepting it")));
        QVERIFY(start({{QStringLiteral("p"), QStringLiteral("tcp://127.0.0.1:%1").arg(server.serverPort()),
                        QStringLiteral("<connect.strategy>prepared</connect.strategy>"
                                       "<prepared.connection.count>4</prepared.connection.count>")}}));
        QTest::qWait(2500);
        // 4 at first, then after 1 s and 2 s at most one more round each.
        QVERIFY2(accepted <= 12, qPrintable(QString::number(accepted)));
    }

    void deferredConnectsOnTheFirstMessage()
    {
        EchoBackend backend;
        QVERIFY(start({{QStringLiteral("p"), QStringLiteral("tcp://127.0.0.1:%1").arg(backend.port()),
                        QStringLiteral("<connect.strategy>deferred</connect.strategy>")}}));
        std::unique_ptr<QWebSocket> client(open(url(QStringLiteral("p"))));
        QVERIFY(client->isValid());
        QTest::qWait(200);
        QCOMPARE(backend.accepted, 0); // upgraded, and nothing asked of the back-end yet
        QVERIFY(echoesBinary(client.get(), "now connect"));
        QCOMPARE(backend.accepted, 1);
    }

    void deferredToAnUnreachableBackendCloses1011()
    {
        const quint16 closed = Testing::freePort();
        QVERIFY(start({{QStringLiteral("p"), QStringLiteral("tcp://127.0.0.1:%1").arg(closed),
                        QStringLiteral("<connect.strategy>deferred</connect.strategy>")}}));
        std::unique_ptr<QWebSocket> client(open(url(QStringLiteral("p"))));
        QVERIFY(client->isValid());
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot connect to back-end")));
        client->sendBinaryMessage("anyone there?");
        QCOMPARE(closeCode(client.get()), 1011);
    }

    void preparedConnectionsWaitForClients()
    {
        EchoBackend backend;
        QVERIFY(start({{QStringLiteral("p"), QStringLiteral("tcp://127.0.0.1:%1").arg(backend.port()),
                        QStringLiteral("<connect.strategy>prepared</connect.strategy>"
                                       "<prepared.connection.count>2</prepared.connection.count>")}}));
        QTRY_COMPARE_WITH_TIMEOUT(backend.accepted, 2, 5000); // before any client
        std::unique_ptr<QWebSocket> client(open(url(QStringLiteral("p"))));
        QVERIFY(echoesBinary(client.get(), "prepared"));
        QTRY_COMPARE_WITH_TIMEOUT(backend.accepted, 3, 5000); // the pool made up for the one taken
    }

    void preparedWithNoneReadyIs503()
    {
        const quint16 closed = Testing::freePort();
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot prepare connections")));
        QVERIFY(start({{QStringLiteral("p"), QStringLiteral("tcp://127.0.0.1:%1").arg(closed),
                        QStringLiteral("<connect.strategy>prepared</connect.strategy>")}}));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("status=503 reason=\"no prepared connection")));
        QCOMPARE(handshakeStatus(m_port, "/p"), 503);
    }

    void manySessionsAtOnce()
    {
        EchoBackend tcp;
        WebSocketBackend ws;
        QVERIFY(start({{QStringLiteral("t"), QStringLiteral("tcp://127.0.0.1:%1").arg(tcp.port())},
                       {QStringLiteral("w"), QStringLiteral("ws://127.0.0.1:%1/").arg(ws.port())}}));
        constexpr int kSessions = 200;
        std::vector<std::unique_ptr<QWebSocket>> clients;
        std::vector<QByteArray> payloads;
        std::vector<QByteArray> received(kSessions);
        int connected = 0;
        for (int i = 0; i < kSessions; ++i) {
            auto client = std::make_unique<QWebSocket>();
            QByteArray payload = QByteArray::number(i).repeated(50 + i * 7);
            QObject::connect(client.get(), &QWebSocket::connected, [&connected, socket = client.get(), payload] {
                ++connected;
                socket->sendBinaryMessage(payload);
            });
            QObject::connect(client.get(), &QWebSocket::binaryMessageReceived,
                             [&received, i](const QByteArray &message) { received[size_t(i)] += message; });
            client->open(QUrl(url(i % 2 ? QStringLiteral("w") : QStringLiteral("t"))));
            clients.push_back(std::move(client));
            payloads.push_back(payload);
        }
        QVERIFY(QTest::qWaitFor([&] {
            for (int i = 0; i < kSessions; ++i)
                if (received[size_t(i)].size() < payloads[size_t(i)].size())
                    return false;
            return true;
        }, 60'000));
        QCOMPARE(connected, kSessions);
        for (int i = 0; i < kSessions; ++i)
            QCOMPARE(received[size_t(i)], payloads[size_t(i)]);
        QCOMPARE(m_gateway->sessions()->count(), kSessions);
    }

    void drainClosesProxiedSessions()
    {
        WebSocketBackend backend;
        QVERIFY(start({{QStringLiteral("p"), QStringLiteral("ws://127.0.0.1:%1/").arg(backend.port())}}));
        std::unique_ptr<QWebSocket> client(open(url(QStringLiteral("p"))));
        QVERIFY(client->isValid());
        QSignalSpy stopped(m_gateway.get(), &App::Gateway::stopped);
        m_gateway->shutdown(std::chrono::seconds(10));
        QCOMPARE(closeCode(client.get()), 1001);
        QVERIFY(stopped.wait(10000));
        QTRY_COMPARE(backend.closeCodes.size(), 1);
        QCOMPARE(backend.closeCodes.first(), 1001);
    }
};

QTEST_GUILESS_MAIN(TestProxy)
#include "tst_proxy.moc"
