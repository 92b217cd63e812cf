// WebSocket::Endpoint over a descriptor transport: what one peer has sent is read a share
// per turn of the event loop, and the rest on later turns, all of it in order.

#include "net/descriptortransport.h"
#include "websocket/endpoint.h"
#include "websocket/framewriter.h"

#include <QTest>

#include <sys/socket.h>
#include <unistd.h>

using namespace Postern;

class TestEndpoint : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aBurstIsReadAShareAtATime()
    {
        int ends[2];
        QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, ends), 0);
        const int peer = ends[1];
        int buffer = 4 * 1024 * 1024;
        ::setsockopt(peer, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
        ::setsockopt(ends[0], SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
        // 128 masked 4 KiB messages (512 KiB) wait in the kernel before the endpoint starts.
        constexpr int kMessages = 128;
        QByteArray burst;
        for (int i = 0; i < kMessages; ++i) {
            QByteArray payload = QByteArray::number(i) + ';';
            payload.resize(4096, 'x');
            burst += WebSocket::FrameWriter::frame(WebSocket::Opcode::Binary, payload, true, 0x12345678u);
        }
        qsizetype written = 0;
        while (written < burst.size()) {
            const ssize_t sent = ::write(peer, burst.constData() + written, size_t(burst.size() - written));
            QVERIFY2(sent > 0, "the socket pair's buffer is too small for the burst");
            written += sent;
        }

        WebSocket::Endpoint::Options options;
        options.readBufferSize = 64 * 1024;
        WebSocket::Endpoint endpoint(new Net::DescriptorTransport(ends[0], {}), WebSocket::Endpoint::Role::Server, options);
        QList<QByteArray> received;
        connect(&endpoint, &WebSocket::Endpoint::messageReceived, this,
                [&](WebSocket::Opcode, const QByteArray &payload) { received.append(payload); });
        endpoint.start(); // reads at once, without the event loop
        // One read buffer's worth (64 KiB: 15 whole messages) in this turn, not the burst.
        QVERIFY2(received.size() > 0 && received.size() <= 16, qPrintable(QString::number(received.size())));
        QTRY_COMPARE(received.size(), kMessages);
        for (int i = 0; i < kMessages; ++i)
            QVERIFY(received.at(i).startsWith(QByteArray(QByteArray::number(i) + ';')));
        ::close(peer);
    }
};

QTEST_GUILESS_MAIN(TestEndpoint)
#include "tst_endpoint.moc"
