#include "websocket/handshake.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

namespace Postern::WebSocket {

namespace {
constexpr char kGuid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr int kClientKeyBytes = 16;
} // namespace

QByteArray Handshake::acceptKey(QByteArrayView secWebSocketKey)
{
    QCryptographicHash sha1(QCryptographicHash::Sha1);
    sha1.addData(secWebSocketKey);
    sha1.addData(QByteArrayView(kGuid));
    return sha1.result().toBase64();
}

QByteArray Handshake::newClientKey()
{
    quint32 words[kClientKeyBytes / sizeof(quint32)];
    QRandomGenerator::system()->fillRange(words);
    return QByteArray(reinterpret_cast<const char *>(words), kClientKeyBytes).toBase64();
}

bool Handshake::isValidClientKey(QByteArrayView secWebSocketKey)
{
    // 16 bytes make 24 base64 characters, the last two "==".
    if (secWebSocketKey.size() != 24 || !secWebSocketKey.endsWith("=="))
        return false;
    const auto decoded = QByteArray::fromBase64Encoding(secWebSocketKey.toByteArray(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    return decoded && decoded.decoded.size() == kClientKeyBytes;
}

} // namespace Postern::WebSocket
