#pragma once

// What a socket still has to send, and a signal for when some of it has left. For a
// QSslSocket both must count the encrypted bytes: its bytesToWrite() is only what waits to
// be encrypted, and its bytesWritten() fires when bytes are encrypted, not when they are
// sent, so a TLS peer that does not read would otherwise look like one that does.
//
// And a write that skips Qt's buffer when it can (write()).

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

// Writes `bytes` to `socket`. A plain TCP socket whose Qt buffer is empty is written to at
// once, with send() on its descriptor; only what the kernel does not take (or everything,
// for a TLS socket, a socket that has bytes queued, or an error Qt must report) goes through
// QTcpSocket::write(). Order is kept: the kernel is written to only while nothing waits in Qt.
// What it saves, per write: the copy into Qt's buffer and a turn of the event loop with the
// write notifier on; per socket, the 32 KiB block Qt's buffer keeps once it was used
// (docs/performance.md). Bytes sent this way are not reported by bytesWritten()/onSent();
// those report what left Qt's buffer, which is all the back-pressure waiting on them needs.
// `more`, when given, follows `bytes` in the same system call (a frame's header and payload).
void write(QTcpSocket *socket, const QByteArray &bytes, const QByteArray &more = {});

} // namespace Postern::Util::SocketOutput
