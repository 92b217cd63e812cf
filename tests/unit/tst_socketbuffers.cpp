// Socket buffers kept small when idle (small read blocks, write blocks given back once sent),
// on plain and TLS sockets, and data still flowing.

#include "frontdoor/servertlscontexts.h"
#include "frontdoor/socketbuffers.h"
#include "frontdoor/tlscontext.h"
#include "rawtlsserver.h"
#include "testpki.h"

#include <QSslSocket>
#include <QTcpServer>
#include <QTest>

#include <malloc.h>

#include <algorithm>

#include <memory>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
// The sanitizer runtime's allocator statistics (sanitizer/allocator_interface.h, which
// Debian's GCC does not ship).
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#endif

using namespace Postern;
using Frontdoor::SocketBuffers;

namespace {

// Bytes the heap has handed out (the sanitizer's allocator when there is one).
qint64 heapInUse()
{
#if defined(__SANITIZE_ADDRESS__)
    return qint64(__sanitizer_get_current_allocated_bytes());
#else
    return qint64(mallinfo2().uordblks);
#endif
}

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
        Testing::RawTlsServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, server.serverPort());
        QTRY_VERIFY(server.accepted.size() == 1 && client.state() == QAbstractSocket::ConnectedState);
        QSslSocket *socket = server.accepted.front().get(); // TLS never started: a plain socket
        QVERIFY(SocketBuffers::readBlockSize(socket) > SocketBuffers::kReadBlockSize); // Qt's own

        SocketBuffers::keepIdleSmall(socket);
        QCOMPARE(SocketBuffers::readBlockSize(socket), SocketBuffers::kReadBlockSize);
        const QByteArray big = pattern(300 * 1024);
        QVERIFY(carries(socket, &client, big));
        QVERIFY(carries(&client, socket, big));
        QCOMPARE(SocketBuffers::readBlockSize(socket), SocketBuffers::kReadBlockSize);
    }

    // After each of `count` server sockets sent 1,000 bytes: what the heap holds beyond before.
    static qint64 heldAfterSending(bool keepSmall, int count)
    {
        Testing::RawTlsServer server; // TLS never started: plain sockets
        if (!server.listen(QHostAddress::LocalHost))
            return -1;
        std::vector<std::unique_ptr<QTcpSocket>> clients;
        for (int i = 0; i < count; ++i) {
            clients.push_back(std::make_unique<QTcpSocket>());
            clients.back()->connectToHost(QHostAddress::LocalHost, server.serverPort());
        }
        if (!QTest::qWaitFor([&] { return server.accepted.size() == size_t(count); }, 10000))
            return -1;
        const qint64 before = heapInUse();
        for (const auto &socket : server.accepted) {
            if (keepSmall)
                SocketBuffers::keepIdleSmall(socket.get());
            socket->write(QByteArray(1000, 'x'));
        }
        const bool sent = QTest::qWaitFor([&] {
            return std::all_of(server.accepted.cbegin(), server.accepted.cend(), [](const auto &s) { return s->bytesToWrite() == 0; })
                && std::all_of(clients.cbegin(), clients.cend(), [](const auto &c) { return c->bytesAvailable() == 1000; });
        }, 10000);
        return sent ? heapInUse() - before : -1;
    }

    // Qt keeps a 32 KiB write block in every socket that has written; these give it back.
    void givesWriteBlocksBackOnceSent()
    {
        constexpr int kCount = 32;
        // A first round pays for what is allocated once per process (Qt's and the kernel
        // socket layer's), so that neither measured round is inflated by it.
        QVERIFY(heldAfterSending(true, kCount) >= 0);
        const qint64 qtDefault = heldAfterSending(false, kCount);
        const qint64 small = heldAfterSending(true, kCount);
        QVERIFY(qtDefault >= 0 && small >= 0);
        QVERIFY2(small + kCount * 16 * 1024 < qtDefault,
                 qPrintable(QStringLiteral("%1 bytes held with Qt's buffers, %2 kept small").arg(qtDefault).arg(small)));
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
        Testing::RawTlsServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));

        QSslSocket client;
        QSslConfiguration configuration = client.sslConfiguration();
        configuration.setCaCertificates({pki.caCertificate()});
        client.setSslConfiguration(configuration);
        client.setPeerVerifyName(QStringLiteral("a.test"));
        client.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.serverPort());
        SocketBuffers::keepIdleSmall(&client);
        QCOMPARE(SocketBuffers::readBlockSize(&client), SocketBuffers::kReadBlockSize);
        QCOMPARE(SocketBuffers::readBlockSize(&client, true), SocketBuffers::kReadBlockSize);

        QTRY_VERIFY(server.accepted.size() == 1);
        QSslSocket *socket = server.accepted.front().get();
        SocketBuffers::keepIdleSmall(socket);
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
