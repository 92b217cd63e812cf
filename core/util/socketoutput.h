#pragma once

// What a socket still has to send, and a signal for when some of it has left. For a
// QSslSocket both must count the encrypted bytes: its bytesToWrite() is only what waits to
// be encrypted, and its bytesWritten() fires when bytes are encrypted, not when they are
// sent, so a TLS peer that does not read would otherwise look like one that does.

#include <QSslSocket>
#include <QTcpSocket>

namespace Postern::Util::SocketOutput {

inline qint64 unsent(const QTcpSocket *socket)
{
    qint64 pending = socket->bytesToWrite();
    if (const auto *ssl = qobject_cast<const QSslSocket *>(socket))
        pending += ssl->encryptedBytesToWrite();
    return pending;
}

// Calls `slot` (on `context`) whenever bytes have left `socket` for the network.
template<typename Slot>
QMetaObject::Connection onSent(QTcpSocket *socket, const QObject *context, Slot slot)
{
    if (auto *ssl = qobject_cast<QSslSocket *>(socket))
        return QObject::connect(ssl, &QSslSocket::encryptedBytesWritten, context, slot);
    return QObject::connect(socket, &QTcpSocket::bytesWritten, context, slot);
}

} // namespace Postern::Util::SocketOutput
