#pragma once

// Small blocks for a socket's read buffers, and no write block kept once everything is sent,
// so that an idle connection holds little.
//
// Qt's sockets buffer through ring buffers that allocate 16 KiB blocks for reading (32 KiB for
// writing) and keep the last block once it is empty; a TLS socket has two of each (the
// QSslSocket's and its inner socket's). heaptrack on idle wss sessions showed those blocks as
// most of posternd's heap per session. Qt 6.4 sets the block size only through
// QIODevicePrivate, so this class and ServerTlsContexts are the places that include Qt's
// private headers. A read fills a block as large as what the kernel holds, so small blocks
// cost no extra reads; an idle session keeps at most 4 KiB per read buffer.
//
// The write side keeps Qt's 32 KiB blocks while there is something to send: QAbstractSocket
// writes one block per write-readiness event, so small write blocks slowed a socket's
// draining under a burst to 4 KiB per turn of the event loop, and a broadcast client that
// keeps up was counted as a slow consumer (tst_broadcast, drop-oldest). Instead the block is
// given back when the buffer has been sent (one free and, at the next write, one malloc).
// Measured in docs/performance.md.

class QAbstractSocket;

namespace Postern::Frontdoor {

class SocketBuffers final
{
public:
    static constexpr int kReadBlockSize = 4096;

    // For `socket` and, for a QSslSocket, its inner socket: small read blocks from now on
    // (and for the buffers that a later connect creates), and write blocks given back once
    // sent. Call it once the socket exists (after connectToHost*()), once.
    static void keepIdleSmall(QAbstractSocket *socket);
    // What the read buffer of `socket` (or of its inner socket) allocates per block; -1
    // without one.
    static int readBlockSize(QAbstractSocket *socket, bool inner = false);
};

} // namespace Postern::Frontdoor
