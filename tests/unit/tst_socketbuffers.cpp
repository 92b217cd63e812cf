// Socket read buffers that allocate small blocks, on plain and TLS sockets, and data still flowing.

#include "frontdoor/servertlscontexts.h"
#include "frontdoor/socketbuffers.h"
#include "frontdoor/tlscontext.h"
#include "testpki.h"

#include <QSslSocket>
#include <QTcpServer>
#include <QTest>

#include <memory>

using namespace Postern;
using Frontdoor::SocketBuffers;

namespace {

// Accepts connections as QSslSockets that have not started TLS.
class RawServer : public QTcpServer
{
public:
    std::unique_ptr<QSslSocket> accepted;

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto socket = std::make_unique<QSslSocket>();
        if (socket->setSocketDescriptor(descriptor))
            accepted = std::move(socket);
    }
};

QByteArray pattern(qsizetype size)
{
    QByteArray data(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        data[i] = char('a' + i % 26);
    return data;
}

// Sends `data` from `from` and reads it all at `to`.
bool carries(QAbstractSocket *from, QAbstractSocket *to, const QByteArray &data)
{
    from->write(data);
    QByteArray received;
    const bool done = QTest::qWaitFor([&] {
        received += to->readAll();
        return received.size() >= data.size();
    }, 10000);
    return done && received == data;
}

} // namespace

class TestSocketBuffers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void plainSocket()
    {
        RawServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, server.serverPort());
        QTRY_VERIFY(server.accepted && client.state() == QAbstractSocket::ConnectedState);
        QSslSocket *socket = server.accepted.get(); // TLS never started: a plain socket
        QVERIFY(SocketBuffers::readBlockSize(socket) > SocketBuffers::kReadBlockSize); // Qt's own

        SocketBuffers::useSmallReadBlocks(socket);
        QCOMPARE(SocketBuffers::readBlockSize(socket), SocketBuffers::kReadBlockSize);
        const QByteArray big = pattern(300 * 1024);
        QVERIFY(carries(socket, &client, big));
        QVERIFY(carries(&client, socket, big));
        QCOMPARE(SocketBuffers::readBlockSize(socket), SocketBuffers::kReadBlockSize);
    }

    // A server socket (as the front door's) and a client socket (as a back-end's), both TLS:
    // the QSslSocket and its inner socket read into small blocks, and a handshake and data in both
    // directions still work.
    void tlsSockets()
    {
        Testing::TestPki pki;
        Tls::Keystore keystore;
        keystore.insert(pki.serverEntry(QStringLiteral("a"), {QStringLiteral("a.test")}));
        const Frontdoor::TlsContext tls(keystore);
        Frontdoor::ServerTlsContexts contexts;
        RawServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));

        QSslSocket client;
        QSslConfiguration configuration = client.sslConfiguration();
        configuration.setCaCertificates({pki.caCertificate()});
        client.setSslConfiguration(configuration);
        client.setPeerVerifyName(QStringLiteral("a.test"));
        client.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.serverPort());
        SocketBuffers::useSmallReadBlocks(&client);
        QCOMPARE(SocketBuffers::readBlockSize(&client), SocketBuffers::kReadBlockSize);
        QCOMPARE(SocketBuffers::readBlockSize(&client, true), SocketBuffers::kReadBlockSize);

        QTRY_VERIFY(server.accepted);
        QSslSocket *socket = server.accepted.get();
        SocketBuffers::useSmallReadBlocks(socket);
        QCOMPARE(SocketBuffers::readBlockSize(socket), SocketBuffers::kReadBlockSize);
        QCOMPARE(SocketBuffers::readBlockSize(socket, true), SocketBuffers::kReadBlockSize);
        contexts.startServerEncryption(socket, QStringLiteral("a"), [&] { return tls.configurationForAlias(QStringLiteral("a")); });
        QTRY_VERIFY(client.isEncrypted() && socket->isEncrypted());

        const QByteArray big = pattern(300 * 1024);
        QVERIFY(carries(socket, &client, big));
        QVERIFY(carries(&client, socket, big));
        QVERIFY(carries(&client, socket, "small"));
        QCOMPARE(SocketBuffers::readBlockSize(socket, true), SocketBuffers::kReadBlockSize);
        QCOMPARE(SocketBuffers::readBlockSize(&client, true), SocketBuffers::kReadBlockSize);
    }
};

QTEST_GUILESS_MAIN(TestSocketBuffers)
#include "tst_socketbuffers.moc"
