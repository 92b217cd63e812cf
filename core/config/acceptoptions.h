#pragma once

// A service's <accept-options>: limits and timers applied to the connections it accepts.

#include "config/sourcelocation.h"

#include <QStringList>
#include <QtGlobal>

#include <chrono>

namespace Postern::Config {

struct AcceptOptions
{
    // ws.maximum.message.size: a larger incoming message closes the session with 1009.
    qint64 maximumMessageSize = 128 * 1024;
    // ws.inactivity.timeout: 0 = off; otherwise a peer silent this long (pings unanswered) is
    // closed. On by default (unlike KAAZING): a client that vanished without a FIN would
    // otherwise hold its session for ever.
    std::chrono::milliseconds inactivityTimeout{60'000};
    // ws.maximum.sessions: 0 = no limit; otherwise a handshake to a service that has this many
    // sessions open is completed and closed at once with 1013 (try again later).
    qint64 maximumSessions = 0;
    // http.keepalive.timeout: how long an idle HTTP/1.1 connection waits for its next request.
    std::chrono::milliseconds keepaliveTimeout{30'000};
    // http.request.head.timeout: the TLS handshake plus the request head must arrive within this.
    std::chrono::milliseconds requestHeadTimeout{10'000};
    // http.request.head.maximum.size: a larger request head is answered 431.
    qint64 requestHeadMaximumSize = 16 * 1024;
    // http.write.timeout: a response whose sending makes no progress this long (a client
    // that stopped reading) is abandoned and the connection closed.
    std::chrono::milliseconds writeTimeout{30'000};
    // tcp.maximum.connections: a connection accepted on this port while the gateway as a whole
    // has this many open is refused (plain text: 503 with Retry-After; TLS: closed).
    qint64 maximumConnections = 10'000;
    // tcp.maximum.connections.per.address: the same for the connections of one client address.
    qint64 maximumConnectionsPerAddress = 256;

    // ssl.protocols: the TLS versions offered, "TLSv1.2" and/or "TLSv1.3" (older ones are unsafe
    // and refused by the loader).
    QStringList sslProtocols{QStringLiteral("TLSv1.2"), QStringLiteral("TLSv1.3")};
    // ssl.ciphers: an OpenSSL cipher string for TLS 1.2 (empty: Qt's and OpenSSL's defaults).
    QString sslCiphers;
    // ssl.verify-client: whether TLS clients must show a certificate the truststore trusts.
    enum class VerifyClient { None, Optional, Required };
    VerifyClient sslVerifyClient = VerifyClient::None;
    // ssl.encryption: false keeps a wss/https accept URL but expects plain text from a TLS
    // offloader in front of the gateway.
    bool sslEncryption = true;

    // Where <accept-options> stood (or the service, when it has none), for errors
    // that compare options between services.
    SourceLocation where;

    bool sameListenerOptions(const AcceptOptions &other) const
    {
        return keepaliveTimeout == other.keepaliveTimeout
            && requestHeadTimeout == other.requestHeadTimeout
            && requestHeadMaximumSize == other.requestHeadMaximumSize
            && writeTimeout == other.writeTimeout && maximumConnections == other.maximumConnections
            && maximumConnectionsPerAddress == other.maximumConnectionsPerAddress && sslProtocols == other.sslProtocols
            && sslCiphers == other.sslCiphers && sslEncryption == other.sslEncryption
            && sslVerifyClient == other.sslVerifyClient;
    }
};

} // namespace Postern::Config
