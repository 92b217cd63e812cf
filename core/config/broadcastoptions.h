#pragma once

// The properties of a broadcast service: where its feed comes from, how it is cut into
// messages, and what happens to clients that cannot keep up.

#include <QUrl>
#include <QtGlobal>

#include <chrono>

namespace Postern::Config {

struct BroadcastOptions
{
    // accept: tcp://host:port where sources connect in (instead of <connect>); empty when
    // the service connects out.
    QUrl sourceAccept;
    // on.client.message: what a client's own messages do.
    enum class ClientMessages {
        Ignore,    // noop: dropped
        Broadcast, // broadcast: delivered to every other client
    };
    ClientMessages clientMessages = ClientMessages::Ignore;
    // reconnect.delay and reconnect.maximum.delay: the first wait after a lost or failed source
    // connection, doubled after each failure up to the maximum.
    std::chrono::milliseconds reconnectDelay{3000};
    std::chrono::milliseconds reconnectMaximumDelay{30000};
    // source.framing: how a tcp:// or ssl:// source's bytes become messages.
    enum class Framing {
        Read,    // one binary message per read, cut wherever the bytes arrived
        Newline, // one message per line (LF, an optional CR before it removed)
    };
    Framing framing = Framing::Read;
    // source.maximum.message.size: a longer line or ws:// message ends that source connection.
    qint64 maximumSourceMessageSize = 1024 * 1024;
    // maximum.pending.bytes: what may wait for one client before slow.consumer applies.
    qint64 maximumPendingBytes = 512 * 1024;
    // slow.consumer: what happens to a client whose queue is full.
    enum class SlowConsumer {
        Disconnect, // closed with 1008
        DropOldest, // the oldest waiting messages are dropped to make room
    };
    SlowConsumer slowConsumer = SlowConsumer::Disconnect;
    // on.source.lost: whether clients are closed (1013) when the source goes away.
    bool closeClientsOnSourceLoss = false;
};

} // namespace Postern::Config
