#include "frontdoor/socketbuffers.h"

#include "frontdoor/qtprivateheaders.h"

#include <QSslSocket>

namespace Postern::Frontdoor {

namespace {

QIODevicePrivate *privateOf(QIODevice *device)
{
    return static_cast<QIODevicePrivate *>(QObjectPrivate::get(device));
}

QAbstractSocket *innerOf(QAbstractSocket *socket)
{
    auto *ssl = qobject_cast<QSslSocket *>(socket);
    return ssl ? static_cast<QSslSocketPrivate *>(QObjectPrivate::get(ssl))->plainSocket : nullptr;
}

void setReadBlocks(QIODevice *device)
{
    QIODevicePrivate *d = privateOf(device);
    d->readBufferChunkSize = SocketBuffers::kReadBlockSize; // buffers a later open() makes
    for (QRingBuffer &buffer : d->readBuffers) {           // and the current ones
        buffer.setChunkSize(SocketBuffers::kReadBlockSize);
        if (buffer.isEmpty())
            buffer.clear(); // lets go of a bigger block at once
    }
}

// Once `device` has sent all it had, its write buffer lets go of its block (Qt would keep it).
void releaseWriteBlocksWhenSent(QIODevice *device)
{
    QObject::connect(device, &QIODevice::bytesWritten, device, [device] {
        for (QRingBuffer &buffer : privateOf(device)->writeBuffers)
            if (buffer.isEmpty())
                buffer.clear();
    });
}

void keepSmall(QIODevice *device)
{
    setReadBlocks(device);
    releaseWriteBlocksWhenSent(device);
}

} // namespace

void SocketBuffers::keepIdleSmall(QAbstractSocket *socket)
{
    keepSmall(socket);
    if (QAbstractSocket *plain = innerOf(socket))
        keepSmall(plain);
}

int SocketBuffers::readBlockSize(QAbstractSocket *socket, bool inner)
{
    QAbstractSocket *target = inner ? innerOf(socket) : socket;
    if (!target || privateOf(target)->readBuffers.isEmpty())
        return -1;
    return privateOf(target)->readBuffers.first().chunkSize();
}

} // namespace Postern::Frontdoor
