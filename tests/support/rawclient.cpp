#include "rawclient.h"

#include <QHostAddress>
#include <QSslKey>
#include <QSslSocket>
#include <QTest>

namespace Postern::Testing {

const QByteArray kUpgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

RawClient::RawClient(quint16 port)
{
    QObject::connect(&socket, &QTcpSocket::readyRead, [this] { received += socket.readAll(); });
    QObject::connect(&socket, &QTcpSocket::disconnected, [this] { closed = true; });
    socket.connectToHost(QHostAddress::LocalHost, port);
}

bool RawClient::waitConnected()
{
    return QTest::qWaitFor([this] { return socket.state() == QAbstractSocket::ConnectedState; }, 5000);
}

bool RawClient::exchange(const QByteArray &data, int timeout)
{
    if (!waitConnected())
        return false;
    send(data);
    return waitForResponse(timeout);
}

bool RawClient::waitForResponse(int timeout)
{
    return QTest::qWaitFor([this] { return responseComplete() || closed; }, timeout) && responseComplete();
}

bool RawClient::responseComplete() const
{
    const qsizetype end = received.indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    return received.size() >= end + 4 + contentLength();
}

qsizetype RawClient::contentLength() const
{
    if (received.startsWith("HTTP/1.1 304") || received.startsWith("HTTP/1.1 101") || headerValue("X-Head-Only") == "1")
        return 0;
    return headerValue("Content-Length").toLongLong();
}

QByteArray RawClient::headerValue(const QByteArray &name) const
{
    const QList<QByteArray> values = headerValues(name);
    return values.isEmpty() ? QByteArray() : values.first();
}

QList<QByteArray> RawClient::headerValues(const QByteArray &name) const
{
    QList<QByteArray> values;
    const qsizetype end = received.indexOf("\r\n\r\n");
    for (const QByteArray &line : received.left(end).split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).compare(name, Qt::CaseInsensitive) == 0)
            values.append(line.mid(colon + 1).trimmed());
    }
    return values;
}

void RawClient::takeResponse()
{
    const qsizetype end = received.indexOf("\r\n\r\n") + 4 + contentLength();
    received = received.mid(end);
}

QByteArray request(const QByteArray &method, const QByteArray &target, const QByteArray &extra)
{
    return method + ' ' + target + " HTTP/1.1\r\nHost: localhost\r\n" + extra + "\r\n";
}

QByteArray tlsExchange(quint16 port, const QByteArray &data, const std::optional<Tls::KeystoreEntry> &certificate,
                       const std::optional<QSslConfiguration> &configuration)
{
    QSslSocket socket;
    if (configuration)
        socket.setSslConfiguration(*configuration);
    else
        socket.setPeerVerifyMode(QSslSocket::VerifyNone);
    if (certificate) {
        socket.setLocalCertificate(certificate->certificate());
        socket.setPrivateKey(certificate->privateKey());
    }
    QByteArray received;
    QObject::connect(&socket, &QSslSocket::readyRead, [&] { received += socket.readAll(); });
    QObject::connect(&socket, &QSslSocket::encrypted, [&] { socket.write(data); });
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port, QStringLiteral("localhost"));
    static_cast<void>(QTest::qWaitFor([&] {
        return received.contains("\r\n\r\n") || socket.state() == QAbstractSocket::UnconnectedState;
    }, 10000));
    const qsizetype end = received.indexOf("\r\n\r\n");
    return end < 0 ? QByteArray() : received.left(end + 4);
}

} // namespace Postern::Testing
