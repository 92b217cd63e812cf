#pragma once

// The frame opcodes and close status codes of RFC 6455 (§5.2, §7.4), and which close codes
// a peer may put on the wire.

#include <QtGlobal>

namespace Postern::WebSocket {

enum class Opcode : quint8 {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
};

// Close, Ping and Pong: never fragmented, at most 125 bytes of payload (§5.5).
constexpr bool isControl(Opcode opcode)
{
    return (quint8(opcode) & 0x8) != 0;
}

// True for the six opcodes above; the others are reserved (§5.2) and fail the connection.
constexpr bool isKnownOpcode(quint8 value)
{
    return value <= 0x2 || (value >= 0x8 && value <= 0xA);
}

namespace CloseCode {
constexpr quint16 Normal = 1000;
constexpr quint16 GoingAway = 1001;
constexpr quint16 ProtocolError = 1002;
constexpr quint16 UnsupportedData = 1003;
constexpr quint16 NoStatus = 1005; // reported locally for a close frame without a code; never sent
constexpr quint16 Abnormal = 1006; // reported locally for a lost connection; never sent
constexpr quint16 InvalidPayload = 1007;
constexpr quint16 PolicyViolation = 1008;
constexpr quint16 TooBig = 1009;
constexpr quint16 MandatoryExtension = 1010;
constexpr quint16 InternalError = 1011;
constexpr quint16 TryAgainLater = 1013;
} // namespace CloseCode

// Whether a close frame may carry `code` (RFC 6455 §7.4, IANA registry, Autobahn 7.7/7.9/7.13):
// 1000-1003 and 1007-1014 are defined (1012-1014 by IANA), 3000-4999 are for libraries and
// applications. 1004 is reserved, 1005, 1006 and 1015 must never be sent, and 0-999,
// 1016-2999 and 5000 and above are not allowed.
constexpr bool isValidCloseCodeOnWire(quint16 code)
{
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

} // namespace Postern::WebSocket
