#pragma once

// A service's <connect-options>: how the gateway connects to its back-end (proxy services).

#include "config/sourcelocation.h"

#include <QStringList>
#include <QtGlobal>

#include <chrono>

namespace Postern::Config {

struct ConnectOptions
{
    // ssl.protocols / ssl.ciphers for ssl:// and wss:// back-ends; as for accept-options.
    QStringList sslProtocols{QStringLiteral("TLSv1.2"), QStringLiteral("TLSv1.3")};
    QString sslCiphers;
    // ws.inactivity.timeout: a ws/wss back-end silent for half of it is pinged; one silent
    // for all of it (its ping unanswered) is closed, and so is the client's session (1011).
    std::chrono::milliseconds inactivityTimeout{0};
    // ws.maximum.message.size: a larger message from a ws/wss back-end ends the session
    // (1009 to the back-end, 1011 to the client); 0: no limit (relayed in pieces anyway).
    qint64 maximumMessageSize = 0;
    // connect.timeout (a Postern addition): TCP connect, TLS handshake and WebSocket
    // handshake with the back-end must be done within this.
    std::chrono::milliseconds connectTimeout{10'000};
    SourceLocation where;
};

} // namespace Postern::Config
