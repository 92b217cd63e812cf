#include "websocket/endpoint.h"

#include "net/transport.h"
#include "websocket/framewriter.h"

#include <QtEndian>

#include <atomic>
#include <ctime>

namespace Postern::WebSocket {

namespace {
// How long what a departed peer sent may wait to be handed out (the other side draining).
constexpr std::chrono::seconds kDrainTimeout{30};
// Adds to a counter only this endpoint's thread writes; other threads read it (counters()).
void count(quint64 &counter, quint64 amount)
{
    std::atomic_ref<quint64> shared(counter);
    shared.store(shared.load(std::memory_order_relaxed) + amount, std::memory_order_relaxed);
}

quint64 read(const quint64 &counter)
{
    return std::atomic_ref<quint64>(const_cast<quint64 &>(counter)).load(std::memory_order_relaxed);
}

} // namespace

Endpoint::Counters Endpoint::counters() const
{
    return {read(m_counters.messagesIn), read(m_counters.messagesOut), read(m_counters.bytesIn),
            read(m_counters.bytesOut)};
}

Endpoint::Endpoint(Net::Transport *transport, Role role, const Options &options, QObject *parent)
    : QObject(parent), m_transport(transport), m_parser(role, options.maximumMessageSize), m_options(options)
{
    m_transport->setParent(this);
    m_transport->setReadAhead(qMax<qint64>(options.readBufferSize, 1024));
    m_parser.setStreaming(options.delivery == Delivery::Frames);
    m_transport->setListener(this);
    connect(m_transport, &Net::Transport::disconnected, this, &Endpoint::onSocketDisconnected);

    m_closeTimer.setSingleShot(true);
    connect(&m_closeTimer, &QTimer::timeout, this, &Endpoint::abort);
    m_drainTimer.setSingleShot(true);
    connect(&m_drainTimer, &QTimer::timeout, this, &Endpoint::finish);
    if (options.inactivityTimeout.count() > 0) {
        m_inactivity.setSingleShot(true);
        connect(&m_inactivity, &QTimer::timeout, this, &Endpoint::onInactivityTick);
    }
}

Endpoint::~Endpoint()
{
    m_transport->setListener(nullptr); // the transport, a child, goes after the endpoint's own members
}

void Endpoint::start()
{
    if (!m_transport->isOpen()) {
        // The peer left before we began: there will be no disconnected() to wait for.
        QMetaObject::invokeMethod(this, &Endpoint::finish, Qt::QueuedConnection);
        return;
    }
    if (m_options.inactivityTimeout.count() > 0)
        startInactivityPeriod();
    resumeReading();
}

qint64 Endpoint::bytesToWrite() const
{
    return m_transport->unsent();
}

qint64 Endpoint::bufferedIncoming() const
{
    return m_transport->bytesAvailable() + heldIncoming();
}

void Endpoint::pauseReading()
{
    setPaused(true);
}

void Endpoint::resumeReading()
{
    if (m_finished)
        return;
    setPaused(false);
    readSome();
}

void Endpoint::setPaused(bool paused)
{
    m_paused = paused;
    // While the gateway does not read, a peer's pong could not be seen: the inactivity
    // check waits. (A paused side is the busy one anyway.)
    if (m_options.inactivityTimeout.count() > 0 && !m_closeSent && !m_closeReceived) {
        if (paused)
            m_inactivity.stop();
        else if (!m_inactivity.isActive())
            startInactivityPeriod();
    }
}

void Endpoint::readSome()
{
    if (m_reading || m_finished)
        return;
    m_reading = true;
    const Util::DestructionWatch::Guard guard(m_destruction);
    // A transport that reads only when asked is read for at most the read buffer's size per
    // call, as a socket's read buffer bounds it: what one peer sends cannot keep the thread
    // from its other connections (or from sending what this one answered); the rest is read
    // on the next turn of the event loop.
    qint64 readThisTurn = 0;
    for (;;) {
        // What was parsed before a pause goes first; it was taken within an earlier budget.
        const bool wantsMore = deliverParsed();
        if (guard.destroyed())
            return;
        if (m_closeReceived || m_parser.hasFailed()) {
            // Nothing after a close (or a broken frame) means anything; reading on is how the
            // socket notices the peer leaving.
            m_transport->discardInput();
            break;
        }
        if (!wantsMore || !m_transport->mayHaveInput())
            break;
        // What the transport holds, or (when it reads only when asked) up to the read buffer.
        qint64 budget = m_transport->bytesAvailable();
        if (budget == 0) {
            budget = m_options.readBufferSize - readThisTurn;
            if (budget <= 0)
                break;
        }
        // Once our close is out the peer's answer is read whatever the budget, unless its data
        // is still wanted: it is dropped then (deliverParsed), so reading costs nothing.
        if (m_budget && !readsPastBudget()) {
            budget = qMin(budget, m_budget());
            if (budget <= 0) {
                setPaused(true); // the owner resumes when there is room again
                break;
            }
        }
        noteActivity(); // bytes count, not only whole frames: a slow large frame is activity
        readThisTurn += qMax<qint64>(m_parser.readFrom(*m_transport, budget), 0);
    }
    m_reading = false;
    // A peer that has gone is finished with once what it sent before has been handed out.
    if (m_peerEnded && !m_finished && (!hasUnreadInput() || m_closeReceived || m_parser.hasFailed()))
        finish();
}

bool Endpoint::readsPastBudget() const
{
    return m_closeSent && !m_options.deliverDataAfterClose;
}

bool Endpoint::hasUnreadInput() const
{
    return m_transport->bytesAvailable() > 0 || m_parser.bufferedBytes() > 0;
}

bool Endpoint::deliverParsed()
{
    const Util::DestructionWatch::Guard guard(m_destruction);
    while ((!m_paused || readsPastBudget()) && !m_closeReceived && !m_finished) {
        FrameParser::Result result = m_parser.next();
        if (result.needsMoreData())
            return true;
        if (result.isError()) {
            const FrameParser::Error error = result.error;
            close(error.closeCode, error.reason);
            // Failing the connection (RFC 6455 §7.1.7): the TCP connection ends once the
            // close frame is out (or when the close timer cuts it), whatever the peer does.
            m_transport->disconnectFromHost();
            if (!guard.destroyed())
                Q_EMIT protocolError(error.closeCode, error.reason);
            return false;
        }
        if (isControl(result.frame.opcode)) {
            handleControl(result.frame);
        } else if (!m_closeSent) {
            handleData(std::move(result.frame));
        } else if (m_options.deliverDataAfterClose) {
            // RFC 6455 §5.5.1 lets the peer finish what it was sending before it answers our
            // close: that is progress, and the close timer starts again.
            m_closeTimer.start(m_options.closeTimeout);
            handleData(std::move(result.frame));
        } // else: after our close, its data is not wanted
        if (guard.destroyed())
            return false;
    }
    return false;
}

void Endpoint::handleData(Frame &&frame)
{
    count(m_counters.bytesIn, quint64(frame.payload.size()));
    if (frame.fin && frame.endsFrame())
        count(m_counters.messagesIn, 1);
    if (m_options.delivery == Delivery::Frames) {
        Q_EMIT frameReceived(frame);
        return;
    }
    if (frame.fin && frame.opcode != Opcode::Continuation) {
        Q_EMIT messageReceived(frame.opcode, frame.payload); // unfragmented: no copy
        return;
    }
    if (frame.opcode != Opcode::Continuation)
        m_messageOpcode = frame.opcode;
    m_message += frame.payload;
    if (frame.fin) {
        const QByteArray message = std::exchange(m_message, QByteArray());
        Q_EMIT messageReceived(m_messageOpcode, message);
    }
}

void Endpoint::handleControl(const Frame &frame)
{
    switch (frame.opcode) {
    case Opcode::Ping:
        if (!m_closeSent)
            answerPing(frame.payload);
        break;
    case Opcode::Pong:
        Q_EMIT pongReceived(frame.payload);
        break;
    case Opcode::Close: {
        m_closeReceived = true;
        m_inactivity.stop();
        // The parser has checked the payload: empty, or a valid code and UTF-8 reason.
        m_peerCloseCode = frame.payload.size() >= 2 ? qFromBigEndian<quint16>(frame.payload.constData())
                                                    : CloseCode::NoStatus;
        m_peerCloseReason = QString::fromUtf8(QByteArrayView(frame.payload).sliced(qMin<qsizetype>(2, frame.payload.size())));
        if (m_closeSent) {
            closingHandshakeDone();
        } else if (m_options.answerCloseAtOnce) {
            // Echo the peer's code (§5.5.1); a close without one is answered without one.
            m_closeSent = true;
            m_localCloseCode = m_peerCloseCode;
            writeControl(Opcode::Close, frame.payload.first(qMin<qsizetype>(2, frame.payload.size())));
            closingHandshakeDone();
        }
        Q_EMIT closeReceived(m_peerCloseCode, m_peerCloseReason);
        break;
    }
    default:
        break;
    }
}

bool Endpoint::sendMessage(Opcode opcode, QByteArrayView payload)
{
    Q_ASSERT(opcode == Opcode::Text || opcode == Opcode::Binary);
    if (m_closeSent || m_finished)
        return false;
    if (m_options.maximumPendingOutput > 0 && bytesToWrite() + payload.size() > m_options.maximumPendingOutput) {
        overflow();
        return false;
    }
    const std::optional<quint32> key = role() == Role::Client ? std::optional(FrameWriter::randomMaskKey()) : std::nullopt;
    writeRaw(FrameWriter::frame(opcode, payload, true, key));
    count(m_counters.messagesOut, 1);
    count(m_counters.bytesOut, quint64(payload.size()));
    return true;
}

void Endpoint::overflow()
{
    const qint64 unsent = bytesToWrite();
    close(CloseCode::PolicyViolation, QStringLiteral("peer is not reading (%1 bytes unsent)").arg(unsent));
    // It cannot read the close frame either: do not wait for an answer.
    Q_EMIT outputOverflow(unsent);
    abort();
}

void Endpoint::answerPing(QByteArrayView payload)
{
    const qint64 unsent = bytesToWrite();
    if (m_options.maximumPendingOutput > 0) {
        if (unsent + payload.size() > m_options.maximumPendingOutput) {
            overflow(); // pinging without reading the pongs is not reading either
            return;
        }
    } else if (unsent > 4 * m_options.readBufferSize) {
        // RFC 6455 §5.5.3 lets a later ping be answered instead: a peer that pings and
        // does not read must not fill the gateway with pongs.
        return;
    }
    writeControl(Opcode::Pong, payload);
}

void Endpoint::sendPiece(const Frame &piece)
{
    if (m_finished)
        return;
    if (piece.startsFrame()) {
        Q_ASSERT(m_outRemaining == 0);
        if (m_closeSent)
            return; // no data after our close
        const std::optional<quint32> key = role() == Role::Client ? std::optional(FrameWriter::randomMaskKey()) : std::nullopt;
        m_outMaskKey = key.value_or(0);
        m_outOffset = 0;
        m_outRemaining = piece.frameLength();
        char header[FrameWriter::kMaximumHeaderSize];
        writeRaw(QByteArrayView(header, FrameWriter::headerInto(header, piece.opcode, m_outRemaining, piece.fin, key)));
    } else if (m_outRemaining == 0) {
        return; // the rest of a frame that was not started (it began before our close)
    }
    Q_ASSERT(piece.payload.size() <= m_outRemaining);
    if (role() == Role::Client && !piece.payload.isEmpty()) {
        // Masked on the way into the transport's buffer: one pass over the payload.
        if (m_transport->isOpen()) {
            m_transport->writeFilled(piece.payload.size(), [&piece, this](char *destination) {
                FrameWriter::applyMask(piece.payload, destination, m_outMaskKey, m_outOffset);
            });
        }
    } else if (!piece.payload.isEmpty()) {
        writeRaw(piece.payload);
    }
    m_outOffset += piece.payload.size();
    m_outRemaining -= piece.payload.size();
    count(m_counters.bytesOut, quint64(piece.payload.size()));
    if (m_outRemaining == 0) {
        if (piece.fin)
            count(m_counters.messagesOut, 1);
        for (const QByteArray &control : std::exchange(m_heldControl, {}))
            writeRaw(control);
    }
}

void Endpoint::ping(QByteArrayView payload)
{
    if (!m_closeSent && !m_finished)
        writeControl(Opcode::Ping, payload.first(qMin<qsizetype>(payload.size(), 125)));
}

void Endpoint::close(quint16 code, const QString &reason)
{
    if (m_closeSent || m_finished)
        return;
    m_closeSent = true;
    m_localCloseCode = code;
    m_localCloseReason = reason;
    m_inactivity.stop();
    writeControl(Opcode::Close, code == CloseCode::NoStatus ? QByteArray() : FrameWriter::closePayload(code, reason));
    if (m_closeReceived)
        closingHandshakeDone();
    else
        m_closeTimer.start(m_options.closeTimeout);
}

void Endpoint::abort()
{
    if (m_finished)
        return;
    m_transport->abort();
    // abort() emits disconnected() only from a connected transport.
    if (!m_finished)
        finish();
}

void Endpoint::writeControl(Opcode opcode, QByteArrayView payload)
{
    const std::optional<quint32> key = role() == Role::Client ? std::optional(FrameWriter::randomMaskKey()) : std::nullopt;
    QByteArray frame = FrameWriter::frame(opcode, payload, true, key);
    if (m_outRemaining == 0) {
        writeRaw(frame);
        return;
    }
    // Never inside a frame going out in pieces: held until it ends. Only the newest pong is
    // kept (RFC 6455 §5.5.3), so holding is bounded.
    if (opcode == Opcode::Pong)
        m_heldControl.removeIf([](const QByteArray &held) { return (quint8(held.at(0)) & 0x0F) == quint8(Opcode::Pong); });
    m_heldControl.append(std::move(frame));
}

void Endpoint::writeRaw(QByteArrayView bytes)
{
    if (m_transport->isOpen())
        m_transport->write(bytes);
}

void Endpoint::closingHandshakeDone()
{
    if (m_peerEnded) {
        finish(); // both closes are through and the peer's connection is gone already
        return;
    }
    if (m_outRemaining > 0) {
        // Our close waits behind a frame whose rest will not come now: cut the connection.
        abort();
        return;
    }
    if (role() == Role::Server) {
        m_closeTimer.stop();
        m_closeTimer.start(m_options.closeTimeout); // for a peer that never reads our close
        m_transport->disconnectFromHost();
    } else {
        m_closeTimer.start(m_options.closeTimeout);
    }
}

namespace {
// The kernel's coarse monotonic clock (it moves once a tick, a few milliseconds): enough for
// inactivity, and it is read on every read without the cost of the precise one.
std::chrono::milliseconds coarseNow()
{
    timespec now = {};
    ::clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
    return std::chrono::seconds(now.tv_sec) + std::chrono::milliseconds(now.tv_nsec / 1'000'000);
}
} // namespace

std::chrono::milliseconds Endpoint::inactivityHalfPeriod() const
{
    return std::max<std::chrono::milliseconds>(m_options.inactivityTimeout / 2, std::chrono::milliseconds(1));
}

void Endpoint::startInactivityPeriod()
{
    m_lastActivity = coarseNow();
    m_inactivity.start(inactivityHalfPeriod());
}

void Endpoint::noteActivity()
{
    // Only noted here: restarting the timer on every read would cost a timer's removal and
    // insertion per message. The timer, when it fires, looks at when the last activity was.
    m_pingOutstanding = false;
    m_lastActivity = coarseNow();
}

void Endpoint::onInactivityTick()
{
    // The half period runs from the last activity, as if every read had restarted it.
    const std::chrono::milliseconds half = inactivityHalfPeriod();
    const std::chrono::milliseconds now = coarseNow();
    const std::chrono::milliseconds quiet = now - m_lastActivity;
    if (quiet < half) {
        m_inactivity.start(std::max(half - quiet, std::chrono::milliseconds(1)));
        return;
    }
    if (m_pingOutstanding) {
        close(CloseCode::GoingAway, QStringLiteral("inactivity timeout"));
        return;
    }
    m_pingOutstanding = true;
    m_lastActivity = now; // the peer has a half period to answer
    m_inactivity.start(half);
    ping();
}

void Endpoint::onSocketDisconnected()
{
    m_peerEnded = true;
    if (m_finished)
        return;
    if (!hasUnreadInput() || m_closeReceived || m_parser.hasFailed()) {
        finish();
        return;
    }
    // What the peer sent before it left (its close, perhaps) is still handed out as reading
    // goes on; within kDrainTimeout, or it is dropped.
    m_inactivity.stop();
    m_drainTimer.start(kDrainTimeout);
    if (!m_paused)
        readSome();
}

void Endpoint::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_paused = true;
    m_inactivity.stop();
    m_closeTimer.stop();
    m_drainTimer.stop();
    Q_EMIT disconnected();
}

} // namespace Postern::WebSocket
