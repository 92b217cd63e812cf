#pragma once

// How ClientSocket connects: what it offers, whom it trusts, who answers challenges, where
// single sign-on cookies are kept, and its limits.

#include "challengehandler.h"
#include "sessioncookiejar.h"
#include "trustpolicy.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QSslCertificate>
#include <QSslKey>
#include <QStringList>

#include <chrono>
#include <memory>

namespace Postern::Client {

struct ConnectOptions
{
    QList<QByteArray> protocols;                   // Sec-WebSocket-Protocol offer, in order
    QByteArray origin;                             // Origin header; none when empty
    QList<QPair<QByteArray, QByteArray>> headers;  // further handshake headers
    TrustPolicy trust = TrustPolicy::system();     // for wss://
    QSslCertificate clientCertificate;             // for a realm or port that asks for one
    QSslKey clientKey;
    std::shared_ptr<ChallengeHandler> challengeHandler; // none: a 401 is the outcome
    std::shared_ptr<SessionCookieJar> cookies;     // none: cookies are not kept
    // A Basic or Application Basic challenge over ws:// is answered only when the server is on
    // loopback: elsewhere the password would cross the network readable by anyone on the way
    // (base64 is no encryption). True answers it anyway; prefer wss://.
    bool allowCleartextCredentials = false;
    // How many answers to challenges one open() tries before it gives up.
    int maximumAttempts = 3;
    // Each attempt (TCP, TLS and the handshake) must be done within this; the handler's time
    // does not count.
    std::chrono::milliseconds timeout{10000};
    // Larger incoming messages close the connection with 1009.
    qint64 maximumMessageSize = 16 * 1024 * 1024;
    // 0: off; else a silent server is pinged after half of it and dropped after all of it.
    std::chrono::milliseconds inactivityTimeout{0};
};

} // namespace Postern::Client
