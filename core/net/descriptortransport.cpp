#include "net/descriptortransport.h"

#include <QEvent>
#include <QSocketNotifier>
#include <QSslSocket>
#include <QTcpSocket>
#include <QThread>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Postern::Net {

namespace {
// What the write buffer may keep allocated once it is empty.
constexpr qsizetype kKeepOutput = 4096;
// The chunk discardInput() reads and drops at a time.
constexpr qint64 kDiscardChunk = 16 * 1024;
// Sent bytes at the front of the write buffer are dropped once there are this many and they
// are at least half of it (a connection that never quite drains must not keep them all).
constexpr qsizetype kCompactOutputAbove = 64 * 1024;

// The thread's transports with output to send this turn, for an event loop that sends it
// (sendQueuedOutput()); an entry is null once its transport is gone.
struct OutputQueue
{
    bool sentByLoop = false;
    int sending = 0;       // sendQueuedOutput() calls under way (a nested event loop adds one)
    std::size_t next = 0;  // the first entry not yet taken
    std::vector<DescriptorTransport *> transports;
};
thread_local OutputQueue t_output;
} // namespace

DescriptorTransport::DescriptorTransport(int descriptor, QByteArray received, QObject *parent)
    : Transport(parent), m_descriptor(descriptor), m_received(std::move(received))
{
    const int flags = ::fcntl(m_descriptor, F_GETFL);
    if (flags >= 0 && !(flags & O_NONBLOCK))
        ::fcntl(m_descriptor, F_SETFL, flags | O_NONBLOCK);
    m_readNotifier = new QSocketNotifier(qintptr(m_descriptor), QSocketNotifier::Read, this);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &DescriptorTransport::onReadable);
}

DescriptorTransport::~DescriptorTransport()
{
    leaveThreadQueue(); // this thread's queue: it is deleted in its own thread, as any QObject

    closeDescriptor();
}

void DescriptorTransport::leaveThreadQueue()
{
    if (!m_inThreadQueue)
        return;
    std::replace(t_output.transports.begin(), t_output.transports.end(), this, static_cast<DescriptorTransport *>(nullptr));
    m_inThreadQueue = false;
}

bool DescriptorTransport::event(QEvent *event)
{
    // Moved to another thread with output queued in this one's: a posted call instead,
    // which moves with the object (the queue does not).
    if (event->type() == QEvent::ThreadChange && m_inThreadQueue) {
        leaveThreadQueue();
        postFlush();
    }
    return Transport::event(event);
}

bool DescriptorTransport::sendQueuedOutput()
{
    OutputQueue &queue = t_output;
    queue.sentByLoop = true;
    // Only what was queued before this call: a flush's sent() may queue more (a relay that
    // resumes reading the other side), which the next turn sends, so one busy connection
    // cannot hold the loop here. Entries are taken by index, as the vector may grow, and
    // dropped only by the outermost call: a nested event loop inside a flush carries on from
    // the same place.
    const std::size_t end = queue.transports.size();
    ++queue.sending;
    while (queue.next < end) {
        DescriptorTransport *transport = std::exchange(queue.transports[queue.next++], nullptr);
        if (!transport)
            continue;
        transport->m_inThreadQueue = false;
        transport->m_flushQueued = false;
        transport->flush();
    }
    if (--queue.sending == 0) {
        queue.transports.erase(queue.transports.begin(), queue.transports.begin() + std::ptrdiff_t(queue.next));
        queue.next = 0;
    }
    return queue.next < queue.transports.size();
}

void DescriptorTransport::stopQueuingOutput()
{
    OutputQueue &queue = t_output;
    queue.sentByLoop = false;
    queue.next = 0;
    for (DescriptorTransport *transport : std::exchange(queue.transports, {})) {
        if (transport) {
            transport->m_inThreadQueue = false;
            transport->postFlush();
        }
    }
}

DescriptorTransport *DescriptorTransport::takeOver(QTcpSocket *socket, QObject *parent)
{
    if (qobject_cast<QSslSocket *>(socket) || socket->state() != QAbstractSocket::ConnectedState)
        return nullptr;
    if (socket->bytesToWrite() > 0)
        socket->flush();
    if (socket->bytesToWrite() > 0)
        return nullptr;
    const int descriptor = ::fcntl(int(socket->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    if (descriptor < 0)
        return nullptr;
    QByteArray received = socket->readAll();
    socket->abort(); // closes Qt's copy; the connection lives on in ours
    return new DescriptorTransport(descriptor, std::move(received), parent);
}

bool DescriptorTransport::isOpen() const
{
    return m_descriptor >= 0 && !m_closing && !m_ending;
}

bool DescriptorTransport::isClosed() const
{
    return m_descriptor < 0;
}

qint64 DescriptorTransport::bytesAvailable() const
{
    return m_received.size() - m_receivedOffset;
}

bool DescriptorTransport::mayHaveInput() const
{
    return bytesAvailable() > 0 || (m_readable && m_descriptor >= 0 && !m_ending);
}

qint64 DescriptorTransport::read(char *data, qint64 maximum)
{
    if (maximum <= 0)
        return 0;
    if (const qint64 held = bytesAvailable(); held > 0) {
        const qint64 taken = qMin(held, maximum);
        std::memcpy(data, m_received.constData() + m_receivedOffset, size_t(taken));
        m_receivedOffset += taken;
        if (m_receivedOffset == m_received.size()) {
            m_received = QByteArray();
            m_receivedOffset = 0;
        }
        return taken;
    }
    if (m_descriptor < 0 || m_ending)
        return 0;
    ssize_t got;
    do {
        got = ::recv(m_descriptor, data, size_t(maximum), 0);
    } while (got < 0 && errno == EINTR);
    if (got > 0) {
        ++m_reads;
        // A reader that reads is told of more (again, if it had been paused); one that read
        // less than it asked for has read everything there was (what arrives meanwhile wakes
        // the notifier again).
        m_readNotifier->setEnabled(true);
        if (got < maximum)
            m_readable = false;
        return got;
    }
    if (got == 0) {
        peerEnded();
        return 0;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
        m_readable = false;
        m_readNotifier->setEnabled(true);
        return 0;
    }
    fail(errno);
    return 0;
}

void DescriptorTransport::discardInput()
{
    m_received = QByteArray();
    m_receivedOffset = 0;
    std::array<char, kDiscardChunk> sink;
    while (mayHaveInput() && read(sink.data(), qint64(sink.size())) == qint64(sink.size())) {
    }
}

void DescriptorTransport::onReadable()
{
    m_readable = true;
    const quint64 reads = m_reads;
    if (!tellReadyRead())
        return;
    // A reader that read nothing of what it was told of is paused: it is told again once it
    // reads (read() turns the notifier back on); until then the descriptor would only wake
    // the loop for nothing. One that read its share of this turn and stopped is told again
    // on the next turn (the notifier stays on, and the descriptor is still ready).
    if (m_readable && m_reads == reads && m_readNotifier)
        m_readNotifier->setEnabled(false);
}

void DescriptorTransport::write(QByteArrayView bytes)
{
    if (!isOpen() || bytes.isEmpty())
        return;
    std::memcpy(appendOutput(bytes.size()), bytes.data(), size_t(bytes.size()));
    scheduleFlush();
}

void DescriptorTransport::writeFilled(qsizetype size, const std::function<void(char *destination)> &fill)
{
    if (!isOpen() || size <= 0)
        return;
    fill(appendOutput(size));
    scheduleFlush();
}

char *DescriptorTransport::appendOutput(qsizetype size)
{
    if (m_outOffset >= kCompactOutputAbove && m_outOffset * 2 >= m_out.size()) {
        m_out.remove(0, m_outOffset);
        m_outOffset = 0;
    }
    const qsizetype held = m_out.size();
    m_out.resize(held + size); // grows geometrically, as append() does
    return m_out.data() + held;
}

qint64 DescriptorTransport::unsent() const
{
    return m_out.size() - m_outOffset;
}

void DescriptorTransport::scheduleFlush()
{
    if (m_flushQueued || (m_writeNotifier && m_writeNotifier->isEnabled()))
        return;
    m_flushQueued = true;
    if (t_output.sentByLoop) {
        m_inThreadQueue = true;
        t_output.transports.push_back(this);
    } else {
        postFlush();
    }
}

void DescriptorTransport::postFlush()
{
    QMetaObject::invokeMethod(this, [this] {
        m_flushQueued = false;
        flush();
    }, Qt::QueuedConnection);
}

void DescriptorTransport::onWritable()
{
    m_writeNotifier->setEnabled(false);
    flush();
}

qint64 DescriptorTransport::writeOut()
{
    qint64 total = 0;
    while (m_descriptor >= 0 && m_outOffset < m_out.size()) {
        const ssize_t sent = ::send(m_descriptor, m_out.constData() + m_outOffset, size_t(m_out.size() - m_outOffset),
                                    MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            fail(errno);
            return -1;
        }
        m_outOffset += sent;
        total += sent;
    }
    return total;
}

void DescriptorTransport::flush()
{
    if (m_descriptor < 0 || m_ending)
        return;
    const qint64 total = writeOut();
    if (total < 0)
        return;
    if (m_outOffset == m_out.size()) {
        if (m_out.capacity() > kKeepOutput)
            m_out = QByteArray();
        else
            m_out.resize(0);
        m_outOffset = 0;
    } else {
        if (!m_writeNotifier) {
            m_writeNotifier = new QSocketNotifier(qintptr(m_descriptor), QSocketNotifier::Write, this);
            connect(m_writeNotifier, &QSocketNotifier::activated, this, &DescriptorTransport::onWritable);
        }
        m_writeNotifier->setEnabled(true);
    }
    if (total > 0 && !tellSent(total))
        return;
    if (m_closing && unsent() == 0 && m_descriptor >= 0)
        end();
}

void DescriptorTransport::disconnectFromHost()
{
    if (m_descriptor < 0 || m_closing || m_ending)
        return;
    m_closing = true;
    if (unsent() == 0)
        end(); // as QAbstractSocket does: disconnected() at once when nothing waits
}

void DescriptorTransport::abort()
{
    m_out = QByteArray(); // nothing queued goes any more, also when the end is on its way
    m_outOffset = 0;
    if (m_descriptor < 0 || m_ending)
        return;
    end();
}

QString DescriptorTransport::errorString() const
{
    return m_error;
}

void DescriptorTransport::fail(int error)
{
    if (m_error.isEmpty())
        m_error = error == ECONNRESET ? QStringLiteral("connection reset by peer")
                                      : QString::fromLocal8Bit(std::strerror(error));
    peerEnded();
}

void DescriptorTransport::peerEnded()
{
    // Found while the reader reads, or while a write is flushed: disconnected() comes from
    // the event loop, as a socket's does, never from inside read().
    m_readable = false;
    if (m_ending)
        return;
    m_ending = true;
    if (m_readNotifier)
        m_readNotifier->setEnabled(false);
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(false);
    QMetaObject::invokeMethod(this, [this] {
        // What was queued for a peer that ended only its sending still goes, as far as the
        // kernel takes it now (a socket's disconnectFromHost() would send it too).
        if (m_error.isEmpty())
            writeOut();
        closeDescriptor();
        Q_EMIT disconnected();
    }, Qt::QueuedConnection);
}

void DescriptorTransport::end()
{
    m_ending = true;
    closeDescriptor();
    Q_EMIT disconnected();
}

void DescriptorTransport::closeDescriptor()
{
    // Possibly from inside one of their activated() signals: deleted from the event loop.
    for (QSocketNotifier *notifier : {std::exchange(m_readNotifier, nullptr), std::exchange(m_writeNotifier, nullptr)}) {
        if (notifier) {
            notifier->setEnabled(false);
            notifier->deleteLater();
        }
    }
    if (m_descriptor >= 0)
        ::close(m_descriptor);
    m_descriptor = -1;
    m_readable = false;
    m_out = QByteArray();
    m_outOffset = 0;
}

} // namespace Postern::Net
