#pragma once

// The key exchange of the WebSocket opening handshake (RFC 6455 §4): the client sends a
// random Sec-WebSocket-Key, the server proves it understood the request by answering with
// Sec-WebSocket-Accept computed from that key.

#include <QByteArray>
#include <QByteArrayView>

namespace Postern::WebSocket {

class Handshake
{
public:
    // Sec-WebSocket-Accept for a Sec-WebSocket-Key: base64(SHA-1(key + GUID)) (§4.2.2).
    static QByteArray acceptKey(QByteArrayView secWebSocketKey);

    // A fresh Sec-WebSocket-Key for a client: 16 random bytes, base64 (§4.1).
    static QByteArray newClientKey();

    // Whether a Sec-WebSocket-Key is what §4.1 requires: base64 (with padding) of 16 bytes.
    static bool isValidClientKey(QByteArrayView secWebSocketKey);
};

} // namespace Postern::WebSocket
