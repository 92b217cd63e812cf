#pragma once

// The properties of a proxy service (KAAZING's names).

#include <QtGlobal>

namespace Postern::Config {

struct ProxyOptions
{
    // connect.strategy: when the back-end connection is made.
    enum class Strategy {
        Immediate, // when the client's handshake arrives; no upgrade (502/504) if it fails
        Deferred,  // when the client sends its first message, after the upgrade
        Prepared,  // from a pool of prepared.connection.count connections made ahead of clients
    };
    Strategy strategy = Strategy::Immediate;
    int preparedConnectionCount = 1;
    // maximum.pending.bytes: what the gateway holds for one session in each direction before
    // it stops reading the faster side; it reads again once the queue is below half.
    qint64 maximumPendingBytes = 64 * 1024;
};

} // namespace Postern::Config
