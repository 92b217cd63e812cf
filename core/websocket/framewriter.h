#pragma once

// Encodes WebSocket frames (RFC 6455 §5.2) and close payloads (§5.5.1). A server sends
// unmasked frames; a client masks every frame with a fresh random key (§5.3), which
// randomMaskKey() gives.

#include "websocket/opcode.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>

namespace Postern::WebSocket {

class FrameWriter
{
public:
    // The whole frame: header with the shortest length encoding, then the payload, masked
    // when `maskKey` is given. The key goes on the wire most significant byte first, so the
    // key 0x37fa213d is sent as 37 fa 21 3d. Control frames must have fin set and at most
    // 125 bytes of payload.
    static QByteArray frame(Opcode opcode, QByteArrayView payload, bool fin = true,
                            std::optional<quint32> maskKey = std::nullopt);

    // The header alone, for a frame whose `length` payload bytes follow in pieces (masked
    // with applyMask(piece, ..., maskKey, offset) when a key is given).
    static QByteArray header(Opcode opcode, qint64 length, bool fin = true, std::optional<quint32> maskKey = std::nullopt);
    // The same header written into `out` (room for kMaximumHeaderSize bytes); its size.
    static qsizetype headerInto(char *out, Opcode opcode, qint64 length, bool fin = true,
                                std::optional<quint32> maskKey = std::nullopt);
    static constexpr qsizetype kMaximumHeaderSize = 14;

    // A close frame's payload: `code` (big-endian; must be valid on the wire) and `reason` in
    // UTF-8, cut at a code point boundary so that the payload fits a control frame's 125 bytes.
    static QByteArray closePayload(quint16 code, const QString &reason);

    // A mask key from the system's cryptographically secure generator (§10.3): the kernel's
    // getrandom(), drawn a kilobyte at a time for each thread.
    static quint32 randomMaskKey();

    // Masks or unmasks (the same XOR, §5.3) `source` into `destination`, which has room for
    // source.size() bytes and may be source.data(). `offset` is the position of source[0] in
    // the payload, so that a payload can be unmasked piece by piece as it arrives.
    static void applyMask(QByteArrayView source, char *destination, quint32 maskKey, qint64 offset = 0);

    // The longest close reason, in bytes: 125 less the two bytes of the code.
    static constexpr qsizetype kMaximumCloseReasonBytes = 123;
};

} // namespace Postern::WebSocket
