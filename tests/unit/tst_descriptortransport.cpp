// Net::DescriptorTransport: a plain TCP connection read and written by Postern itself, as
// the endpoint and the proxy relay use it (bytes both ways, a paused reader, the ends of a
// connection), and the socket it takes the connection over from.

#include "net/descriptortransport.h"

#include <QSignalSpy>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <sys/socket.h>

#include <cstring>
#include <memory>

using namespace Postern;
using Net::DescriptorTransport;

namespace {

QByteArray pattern(qsizetype size)
{
    QByteArray data(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        data[i] = char('a' + i % 26);
    return data;
}

// A connected pair on loopback: `peer` a Qt socket, `server` the accepted one.
struct Pair
{
    QTcpServer listener;
    std::unique_ptr<QTcpSocket> peer = std::make_unique<QTcpSocket>();
    QTcpSocket *server = nullptr;

    bool open()
    {
        if (!listener.listen(QHostAddress::LocalHost))
            return false;
        peer->connectToHost(QHostAddress::LocalHost, listener.serverPort());
        if (!QTest::qWaitFor([&] { return listener.hasPendingConnections() && peer->state() == QAbstractSocket::ConnectedState; }, 5000))
            return false;
        server = listener.nextPendingConnection();
        return server != nullptr;
    }
};

// Reads everything the transport has until `size` bytes have come (or 10 s).
QByteArray readAll(DescriptorTransport &transport, qsizetype size)
{
    QByteArray received;
    // Whether it came is what the callers compare: the bytes themselves.
    (void)QTest::qWaitFor([&] {
        char buffer[8192];
        while (transport.mayHaveInput()) {
            const qint64 read = transport.read(buffer, sizeof buffer);
            if (read <= 0)
                break;
            received.append(buffer, qsizetype(read));
        }
        return received.size() >= size;
    }, 10000);
    return received;
}

// A transport's listener that reads what it is told of and counts what was sent.
struct CountingListener : Net::Transport::Listener
{
    Net::Transport *transport = nullptr;
    int told = 0;
    QByteArray received;
    qint64 sent = 0;
    void transportReadyRead() override
    {
        ++told;
        char buffer[8192];
        qint64 read;
        while ((read = transport->read(buffer, sizeof buffer)) > 0)
            received.append(buffer, qsizetype(read));
    }
    void transportSent(qint64 bytes) override { sent += bytes; }
};

} // namespace

class TestDescriptorTransport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void takesOverWhatTheSocketHadRead()
    {
        // Bytes the socket had read already come first, then what arrives later, in order;
        // the socket is left without a connection and the transport owns it.
        Pair pair;
        QVERIFY(pair.open());
        pair.peer->write("early bytes;");
        QVERIFY(QTest::qWaitFor([&] { return pair.server->bytesAvailable() >= 12; }, 5000));
        std::unique_ptr<DescriptorTransport> transport(DescriptorTransport::takeOver(pair.server));
        QVERIFY(transport);
        QCOMPARE(pair.server->state(), QAbstractSocket::UnconnectedState);
        QVERIFY(transport->isOpen());
        QCOMPARE(transport->bytesAvailable(), 12);
        pair.peer->write("later bytes");
        QCOMPARE(readAll(*transport, 23), QByteArray("early bytes;later bytes"));
    }

    void refusesWhatItCannotTake()
    {
        // A TLS socket's bytes are not the connection's, and a socket that is not connected
        // has no connection to give: both are left as they were.
        QSslSocket tls;
        QVERIFY(!DescriptorTransport::takeOver(&tls));
        QTcpSocket unconnected;
        QVERIFY(!DescriptorTransport::takeOver(&unconnected));
    }

    void carriesBytesBothWaysAndCountsWhatWasSent()
    {
        Pair pair;
        QVERIFY(pair.open());
        std::unique_ptr<DescriptorTransport> transport(DescriptorTransport::takeOver(pair.server));
        QVERIFY(transport);
        QSignalSpy sent(transport.get(), &Net::Transport::sent);
        // Small kernel buffers, so that the transport has to hold bytes and send them later.
        const int kernelBuffer = 4096;
        QCOMPARE(::setsockopt(transport->descriptor(), SOL_SOCKET, SO_SNDBUF, &kernelBuffer, sizeof kernelBuffer), 0);
        const QByteArray data = pattern(2 * 1024 * 1024);
        for (qsizetype offset = 0; offset < data.size(); offset += 100'000)
            transport->write(QByteArrayView(data).sliced(offset, qMin<qsizetype>(100'000, data.size() - offset)));
        QCOMPARE(transport->unsent(), data.size()); // gathered: sent from the event loop
        QByteArray received;
        QVERIFY(QTest::qWaitFor([&] {
            received += pair.peer->readAll();
            return received.size() >= data.size();
        }, 20000));
        QVERIFY(received == data);
        QTRY_COMPARE(transport->unsent(), 0);
        qint64 total = 0;
        for (const QList<QVariant> &arguments : sent)
            total += arguments.at(0).toLongLong();
        QCOMPARE(total, data.size());
        QVERIFY(sent.size() > 1); // the kernel took it in parts: the write notifier did its work

        const QByteArray back = pattern(300 * 1024);
        pair.peer->write(back);
        QVERIFY(readAll(*transport, back.size()) == back);
    }

    void aPausedReaderIsToldOnce()
    {
        // A reader that does not read what it was told of is not told again until it reads:
        // the descriptor must not keep waking the loop.
        Pair pair;
        QVERIFY(pair.open());
        std::unique_ptr<DescriptorTransport> transport(DescriptorTransport::takeOver(pair.server));
        QVERIFY(transport);
        QSignalSpy ready(transport.get(), &Net::Transport::readyRead);
        pair.peer->write("waiting");
        QVERIFY(ready.wait(5000));
        QTest::qWait(200);
        QCOMPARE(ready.size(), 1);
        QVERIFY(transport->mayHaveInput());
        char buffer[64];
        QCOMPARE(transport->read(buffer, sizeof buffer), 7);
        QVERIFY(!transport->mayHaveInput());
        pair.peer->write("more");
        QVERIFY(ready.wait(5000)); // told again once it had read everything
        QCOMPARE(ready.size(), 2);
    }

    void aReaderThatReadsItsShareIsToldAgain()
    {
        // A reader that reads some of what waits and stops (its share of this turn) is told
        // again on the next turn, until it has read everything.
        Pair pair;
        QVERIFY(pair.open());
        std::unique_ptr<DescriptorTransport> transport(DescriptorTransport::takeOver(pair.server));
        QVERIFY(transport);
        QByteArray received;
        int told = 0;
        connect(transport.get(), &Net::Transport::readyRead, this, [&] {
            ++told;
            char buffer[1024];
            received.append(buffer, qsizetype(transport->read(buffer, sizeof buffer)));
        });
        const QByteArray data = pattern(64 * 1024);
        pair.peer->write(data);
        QTRY_COMPARE(received.size(), data.size());
        QVERIFY(received == data);
        QVERIFY(told >= 64);
    }

    void abortAfterThePeersEndSendsNothingMore()
    {
        // Bytes were queued, then the peer's end was read, then the connection aborted: the
        // queued bytes do not go (only a gentle end sends what is queued).
        Pair pair;
        QVERIFY(pair.open());
        std::unique_ptr<DescriptorTransport> transport(DescriptorTransport::takeOver(pair.server));
        QVERIFY(transport);
        QSignalSpy gone(transport.get(), &Net::Transport::disconnected);
        ::shutdown(int(pair.peer->socketDescriptor()), SHUT_WR);
        transport->write("queued before the end was seen");
        char buffer[16];
        QVERIFY(QTest::qWaitFor([&] { return transport->read(buffer, sizeof buffer) == 0 && !transport->isOpen(); }, 5000)
                || !transport->isOpen());
        transport->abort();
        QTRY_COMPARE(gone.size(), 1);
        QTest::qWait(50);
        QCOMPARE(pair.peer->readAll(), QByteArray());
    }

    void aListenerIsToldInsteadOfTheSignals()
    {
        // The endpoint's way: input and sent bytes come to the listener by a direct call, and
        // readyRead() and sent() are not emitted meanwhile; without it they are again.
        Pair pair;
        QVERIFY(pair.open());
        std::unique_ptr<DescriptorTransport> transport(DescriptorTransport::takeOver(pair.server));
        QVERIFY(transport);
        CountingListener listener;
        listener.transport = transport.get();
        transport->setListener(&listener);
        QSignalSpy ready(transport.get(), &Net::Transport::readyRead);
        QSignalSpy sent(transport.get(), &Net::Transport::sent);
        pair.peer->write("to the listener");
        QTRY_COMPARE(listener.received, QByteArray("to the listener"));
        transport->write("from it");
        QTRY_COMPARE(listener.sent, 7);
        QVERIFY(listener.told >= 1);
        QCOMPARE(ready.size(), 0);
        QCOMPARE(sent.size(), 0);

        transport->setListener(nullptr);
        pair.peer->write("to the signal");
        QVERIFY(ready.wait(5000));
        transport->write("again");
        QTRY_COMPARE(sent.size(), 1);
        QCOMPARE(listener.sent, 7);
        QCOMPARE(readAll(*transport, 13), QByteArray("to the signal"));
    }

    void writeFilledPutsItsBytesInOrder()
    {
        // Bytes filled in place go between the writes around them, and a large fill crosses
        // the kernel's buffer whole; after the end nothing is taken (and fill is not called).
        Pair pair;
        QVERIFY(pair.open());
        std::unique_ptr<DescriptorTransport> transport(DescriptorTransport::takeOver(pair.server));
        QVERIFY(transport);
        const QByteArray large = pattern(300 * 1024);
        transport->write("ab");
        transport->writeFilled(3, [](char *destination) { std::memcpy(destination, "xyz", 3); });
        transport->writeFilled(large.size(), [&](char *destination) {
            std::memcpy(destination, large.constData(), size_t(large.size()));
        });
        transport->write("cd");
        const QByteArray expected = "abxyz" + large + "cd";
        QByteArray received;
        QVERIFY(QTest::qWaitFor([&] { return (received += pair.peer->readAll()).size() >= expected.size(); }, 10000));
        QVERIFY(received == expected);
        transport->abort();
        bool called = false;
        transport->writeFilled(4, [&](char *) { called = true; });
        QVERIFY(!called);
    }

    void disconnectFromHostSendsWhatIsQueuedFirst()
    {
        Pair pair;
        QVERIFY(pair.open());
        std::unique_ptr<DescriptorTransport> transport(DescriptorTransport::takeOver(pair.server));
        QVERIFY(transport);
        QSignalSpy gone(transport.get(), &Net::Transport::disconnected);
        const QByteArray data = pattern(64 * 1024);
        transport->write(data);
        transport->disconnectFromHost();
        QVERIFY(!transport->isOpen());
        transport->write("not taken after disconnectFromHost()");
        QByteArray received;
        QVERIFY(QTest::qWaitFor([&] {
            received += pair.peer->readAll();
            return pair.peer->state() == QAbstractSocket::UnconnectedState;
        }, 10000));
        received += pair.peer->readAll();
        QVERIFY(received == data);
        QCOMPARE(gone.size(), 1);
        QVERIFY(transport->isClosed());
        QVERIFY(transport->errorString().isEmpty());
    }

    void thePeersEndIsReportedOnceFromTheEventLoop()
    {
        Pair pair;
        QVERIFY(pair.open());
        std::unique_ptr<DescriptorTransport> transport(DescriptorTransport::takeOver(pair.server));
        QVERIFY(transport);
        QSignalSpy gone(transport.get(), &Net::Transport::disconnected);
        pair.peer->write("last words");
        pair.peer->disconnectFromHost();
        QCOMPARE(readAll(*transport, 10), QByteArray("last words"));
        char buffer[16];
        QVERIFY(QTest::qWaitFor([&] {
            transport->read(buffer, sizeof buffer); // reading is how the end is found
            return gone.size() > 0;
        }, 5000));
        QTest::qWait(50);
        QCOMPARE(gone.size(), 1);
        QVERIFY(transport->isClosed());
        QVERIFY(transport->errorString().isEmpty());
        QCOMPARE(transport->read(buffer, sizeof buffer), 0);
    }

    void aResetIsAnError()
    {
        Pair pair;
        QVERIFY(pair.open());
        std::unique_ptr<DescriptorTransport> transport(DescriptorTransport::takeOver(pair.server));
        QVERIFY(transport);
        QSignalSpy gone(transport.get(), &Net::Transport::disconnected);
        // Linger 0: the peer's close sends a reset.
        const linger abortive{1, 0};
        QCOMPARE(::setsockopt(int(pair.peer->socketDescriptor()), SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive), 0);
        pair.peer->abort();
        char buffer[16];
        QVERIFY(QTest::qWaitFor([&] {
            transport->read(buffer, sizeof buffer);
            return gone.size() > 0;
        }, 5000));
        QVERIFY2(transport->errorString().contains(u"reset"), qPrintable(transport->errorString()));
    }

    void abortDropsWhatIsQueued()
    {
        Pair pair;
        QVERIFY(pair.open());
        std::unique_ptr<DescriptorTransport> transport(DescriptorTransport::takeOver(pair.server));
        QVERIFY(transport);
        QSignalSpy gone(transport.get(), &Net::Transport::disconnected);
        transport->write("never sent");
        transport->abort();
        QCOMPARE(gone.size(), 1);
        QVERIFY(transport->isClosed());
        QCOMPARE(transport->unsent(), 0);
        QVERIFY(QTest::qWaitFor([&] { return pair.peer->state() == QAbstractSocket::UnconnectedState; }, 5000));
        QCOMPARE(pair.peer->readAll(), QByteArray());
        transport->abort(); // once over, nothing more
        QCOMPARE(gone.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestDescriptorTransport)
#include "tst_descriptortransport.moc"
