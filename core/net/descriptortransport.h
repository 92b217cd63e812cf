#pragma once

// A Transport that owns a connected, non-blocking plain TCP descriptor and does its own
// reading and writing (docs/performance.md, "Fourth pass"):
// - reads go from the kernel straight to the caller's buffer: no FIONREAD to size them, no
//   copy through a read buffer of its own;
// - writes are gathered in one buffer and sent once per turn of the event loop, the way
//   Qt's sockets send what a turn wrote, without a write notifier unless the kernel's buffer
//   is full: from a queue of the thread that its event loop sends before it waits (where
//   the loop does, as App::EpollEventDispatcher), otherwise by a posted call;
// - the read notifier stays on while the reader reads, and is switched off only while a
//   reader that was told of input read none of it (a paused reader), so that a
//   level-triggered descriptor does not wake the loop for nothing; any read turns it on.

#include "net/transport.h"

#include <QByteArray>

class QSocketNotifier;
class QTcpSocket;

namespace Postern::Net {

class DescriptorTransport final : public Transport
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DescriptorTransport)

public:
    // Takes `descriptor` (closed with this object); `received` is what was read from the
    // connection already and is handed out first.
    DescriptorTransport(int descriptor, QByteArray received, QObject *parent = nullptr);
    ~DescriptorTransport() override;

    // Moves a connected plain QTcpSocket's connection into a new DescriptorTransport: its
    // descriptor (duplicated) and what it had read. The socket is aborted afterwards (its
    // own copy of the descriptor closed); disconnect its signals first. Null (and the socket
    // left as it was) for a TLS socket, one that is not connected, or one that still has
    // bytes to send.
    static DescriptorTransport *takeOver(QTcpSocket *socket, QObject *parent = nullptr);

    int descriptor() const { return m_descriptor; }

    // For the thread's event loop, before it waits: sends what this thread's transports
    // queued since, each once. From the first call on, the thread's transports queue their
    // output for it instead of posting a call each (which costs an event and a wake-up).
    // Returns whether more was queued meanwhile, which the loop must send without waiting.
    static bool sendQueuedOutput();
    // For the same loop when it ends for good: what is queued, and what will be, goes by
    // posted calls again.
    static void stopQueuingOutput();

    bool isOpen() const override;
    bool isClosed() const override;
    qint64 bytesAvailable() const override;
    bool mayHaveInput() const override;
    qint64 read(char *data, qint64 maximum) override;
    void discardInput() override;
    void write(QByteArrayView bytes) override;
    void writeFilled(qsizetype size, const std::function<void(char *destination)> &fill) override;
    qint64 unsent() const override;
    void disconnectFromHost() override;
    void abort() override;
    QString errorString() const override;

protected:
    bool event(QEvent *event) override;

private:
    void leaveThreadQueue();
    void onReadable();
    void onWritable();
    void scheduleFlush();
    void postFlush();
    void flush();
    qint64 writeOut(); // sends what the kernel takes now; -1 after a failure
    char *appendOutput(qsizetype size); // room for `size` more bytes at the end of the output
    void fail(int error);
    void peerEnded();
    void closeDescriptor();
    void end();

    int m_descriptor;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    QByteArray m_received; // read before the transport was made, handed out first
    qsizetype m_receivedOffset = 0;
    bool m_readable = true;  // a read might return something
    quint64 m_reads = 0;     // reads that returned bytes
    bool m_closing = false;  // disconnectFromHost(): sending what is left, then closing
    bool m_ending = false;   // disconnected() is on its way
    bool m_flushQueued = false;  // a flush is on its way: in the thread's queue, or posted
    bool m_inThreadQueue = false;
    QByteArray m_out;
    qsizetype m_outOffset = 0;
    QString m_error;
};

} // namespace Postern::Net
