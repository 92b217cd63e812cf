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
// The one object that reads a transport (its endpoint) may be its Listener instead: it is
// told of input and of sent bytes by a direct call in place of readyRead() and sent(), which
// on the data path costs far less than a signal (docs/performance.md, "Fifth pass").

#include "util/destructionwatch.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QObject>
#include <QString>

#include <functional>

namespace Postern::Net {

class Transport : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Transport)

public:
    using QObject::QObject;

    class Listener
    {
    public:
        virtual void transportReadyRead() = 0;
        virtual void transportSent(qint64 bytes) = 0;

    protected:
        ~Listener() = default;
    };
    // At most one; while there is one, readyRead() and sent() are not emitted. Null for none;
    // a listener that goes before the transport clears itself.
    void setListener(Listener *listener) { m_listener = listener; }

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
    // Writes `size` bytes that `fill` puts in place, for a writer that would otherwise make
    // them in a buffer of its own first (a WebSocket client masking its payload): a
    // transport with its own output buffer has them written straight into it. By default
    // through a temporary buffer.
    virtual void writeFilled(qsizetype size, const std::function<void(char *destination)> &fill)
    {
        QByteArray bytes(size, Qt::Uninitialized);
        fill(bytes.data());
        write(bytes);
    }
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

protected:
    // readyRead() and sent(): to the listener when there is one, otherwise as the signals.
    // False when the transport was deleted meanwhile (the caller must not touch it then).
    bool tellReadyRead()
    {
        const Util::DestructionWatch::Guard guard(m_destruction);
        if (m_listener)
            m_listener->transportReadyRead();
        else
            Q_EMIT readyRead();
        return !guard.destroyed();
    }
    bool tellSent(qint64 bytes)
    {
        const Util::DestructionWatch::Guard guard(m_destruction);
        if (m_listener)
            m_listener->transportSent(bytes);
        else
            Q_EMIT sent(bytes);
        return !guard.destroyed();
    }

    Util::DestructionWatch m_destruction; // for the checks after a signal or a listener's call

private:
    Listener *m_listener = nullptr;
};

} // namespace Postern::Net
