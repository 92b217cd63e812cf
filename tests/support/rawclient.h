#pragma once

// A plain socket client for exact HTTP checks: it collects everything it receives and reads
// one response at a time. Waits spin the event loop, so an in-process gateway keeps running.

#include <QByteArray>
#include <QSslConfiguration>
#include <QTcpSocket>

#include "tls/keystoreentry.h"

#include <optional>

namespace Postern::Testing {

class RawClient
{
public:
    explicit RawClient(quint16 port);

    bool waitConnected();
    void send(const QByteArray &data) { socket.write(data); }
    // Connects, sends `data` and waits for one whole response.
    bool exchange(const QByteArray &data, int timeout = 5000);
    // Waits for one whole response (head, and a body as long as Content-Length says).
    bool waitForResponse(int timeout = 5000);
    bool responseComplete() const;
    qsizetype contentLength() const;
    int status() const { return received.mid(9, 3).toInt(); }
    QByteArray headerValue(const QByteArray &name) const;
    // Every value of a header in the first response (Set-Cookie may come more than once).
    QList<QByteArray> headerValues(const QByteArray &name) const;
    QByteArray body() const { return received.mid(received.indexOf("\r\n\r\n") + 4); }
    // Drops the first response, for the next one on a kept-alive connection.
    void takeResponse();

    QTcpSocket socket;
    QByteArray received;
    bool closed = false;
};

QByteArray request(const QByteArray &method, const QByteArray &target, const QByteArray &extra = {});

// Sends `data` over TLS to 127.0.0.1:`port` (SNI "localhost"), showing `certificate` when
// given, and returns the response head (empty when none came). `configuration` holds the
// CA to trust; without one, the server is not verified.
QByteArray tlsExchange(quint16 port, const QByteArray &data, const std::optional<Tls::KeystoreEntry> &certificate,
                       const std::optional<QSslConfiguration> &configuration = std::nullopt);

// The headers of a WebSocket upgrade, without the version.
extern const QByteArray kUpgrade;

} // namespace Postern::Testing
