#pragma once

// Small blocks for a socket's read buffers, so that an idle connection holds little.
//
// Qt's sockets buffer through ring buffers that allocate 16 KiB blocks for reading (32 KiB for
// writing) and keep the last block once it is empty; a TLS socket has two of each (the
// QSslSocket's and its inner socket's). heaptrack on idle wss sessions showed those blocks as
// most of posternd's heap per session. Qt 6.4 sets the block size only through
// QIODevicePrivate, so this class and ServerTlsContexts are the places that include Qt's
// private headers. A read fills a block as large as what the kernel holds, so small blocks
// cost no extra reads; an idle session keeps at most 4 KiB per read buffer.
//
// The write side keeps Qt's 32 KiB blocks: QAbstractSocket writes one block per
// write-readiness event, so small blocks slowed a socket's draining under a burst to 4 KiB
// per turn of the event loop, and a broadcast client that keeps up was counted as a slow
// consumer (tst_broadcast, drop-oldest). Measured in docs/performance.md.

class QAbstractSocket;

namespace Postern::Frontdoor {

class SocketBuffers final
{
public:
    static constexpr int kReadBlockSize = 4096;

    // For `socket` and, for a QSslSocket, its inner socket: from now on, and for the buffers
    // that a later connect creates. Call it once the socket exists (after connectToHost*()).
    static void useSmallReadBlocks(QAbstractSocket *socket);
    // What the read buffer of `socket` (or of its inner socket) allocates per block; -1
    // without one.
    static int readBlockSize(QAbstractSocket *socket, bool inner = false);
};

} // namespace Postern::Frontdoor
