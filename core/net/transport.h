#pragma once

// A byte stream under a WebSocket endpoint or a proxied TCP connection: what the endpoint and
// the relay need of a connection, and no more. Two kinds exist: SocketTransport wraps a Qt
// socket (TLS, the front door, the client library), DescriptorTransport reads and writes a
// plain TCP descriptor itself (docs/performance.md: no FIONREAD per read, no copy through
// Qt's read buffer, writes gathered per turn of the event loop).
//
// The signals follow QAbstractSocket's: readyRead() when input may be waiting, sent() when
// bytes have left for the network, disconnected() once when the connection is over (after
// disconnectFromHost() has sent what was queued, after abort(), or when the peer ends it).

#include <QByteArrayView>
#include <QObject>
#include <QString>

namespace Postern::Net {

class Transport : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Transport)

public:
    using QObject::QObject;

    // Connected: writes are taken and the peer may still send.
    virtual bool isOpen() const = 0;
    // Over: disconnected() has been emitted (or there never was a connection).
    virtual bool isClosed() const = 0;

    // Bytes read already and waiting in the transport (exact; 0 when it does not buffer).
    virtual qint64 bytesAvailable() const = 0;
    // Whether a read() now might return something: buffered bytes, or a descriptor that
    // was reported readable and has not been read empty since.
    virtual bool mayHaveInput() const = 0;
    // Up to `maximum` bytes into `data`; what was read (0: nothing now).
    virtual qint64 read(char *data, qint64 maximum) = 0;
    // Drops what is waiting to be read (and, while open, what arrives later is still read).
    virtual void discardInput() = 0;

    virtual void write(QByteArrayView bytes) = 0;
    // Bytes taken by write() that have not left for the network yet.
    virtual qint64 unsent() const = 0;

    // Ends the connection once what is queued has been sent; disconnected() follows.
    virtual void disconnectFromHost() = 0;
    // Ends it now, dropping what is queued; disconnected() if it was open.
    virtual void abort() = 0;

    // How much the transport may read ahead of the reader (a socket's read buffer); a
    // transport that reads only when asked ignores it.
    virtual void setReadAhead(qint64 bytes) { Q_UNUSED(bytes); }

    // Why the connection failed (empty after an orderly end).
    virtual QString errorString() const = 0;

Q_SIGNALS:
    void readyRead();
    void sent(qint64 bytes);
    void disconnected();
};

} // namespace Postern::Net
