#pragma once

// Cuts what a tcp:// or ssl:// broadcast source sends into messages, as source.framing says:
// one binary message per read (the bytes as they happened to arrive), or one message per line
// (LF, with a CR before it removed; a text message when the line is valid UTF-8, binary
// otherwise). A line may not grow past source.maximum.message.size.

#include "config/broadcastoptions.h"
#include "websocket/opcode.h"

#include <QByteArray>
#include <QList>

#include <expected>

namespace Postern::Broadcast {

class SourceFramer
{
public:
    struct Message
    {
        WebSocket::Opcode opcode;
        QByteArray payload;
    };

    SourceFramer(Config::BroadcastOptions::Framing framing, qint64 maximumMessageSize);

    // The messages that `bytes` completes, or why the source must be dropped.
    std::expected<QList<Message>, QString> feed(const QByteArray &bytes);
    // Bytes of a line that has not ended yet.
    qsizetype heldBytes() const { return m_line.size(); }

private:
    Config::BroadcastOptions::Framing m_framing;
    qint64 m_maximum;
    QByteArray m_line;
};

} // namespace Postern::Broadcast
