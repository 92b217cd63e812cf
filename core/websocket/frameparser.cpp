#include "websocket/frameparser.h"

#include "net/transport.h"
#include "websocket/framewriter.h"

#include <QtEndian>

#include <array>
#include <cstring>
#include <utility>

namespace Postern::WebSocket {

namespace {

// Consumed bytes at the front of the buffer are dropped when there are at least this many
// and they are at least half of it, so each byte is moved O(1) times.
constexpr qsizetype kCompactAbove = 64 * 1024;
// An empty buffer keeps its allocation for the next bytes unless it grew beyond this.
constexpr qsizetype kKeepCapacity = 1024 * 1024;
// The most readFrom() reads at once from a transport that does not know how much it holds.
constexpr qint64 kScratchSize = 64 * 1024;
// A frame whose payload has not arrived yet gets at most this much memory reserved up
// front; the rest grows as the payload does, so a header alone cannot make us allocate much.
constexpr qint64 kInitialReserve = 64 * 1024;
// With this much of a frame's payload still to come and nothing else buffered, readFrom()
// reads into the frame's payload itself instead of through the buffer: two copies fewer.
constexpr qint64 kDirectReadAbove = 4096;

} // namespace

FrameParser::FrameParser(Role role, qint64 maximumMessageSize)
    : m_role(role), m_maximumMessageSize(maximumMessageSize)
{
}

void FrameParser::append(QByteArrayView bytes)
{
    if (m_failed || bytes.isEmpty())
        return;
    compact();
    m_buffer.append(bytes.data(), bytes.size());
}

qint64 FrameParser::readFrom(Net::Transport &transport, qint64 maximum)
{
    if (m_failed || maximum <= 0)
        return 0;
    compact();
    if (m_inFrame && m_offset == m_buffer.size()) {
        const qint64 toCome = m_payloadLength - m_payloadRead - m_payloadDirect;
        if (toCome >= kDirectReadAbove) {
            const qint64 wanted = qMin(maximum, toCome);
            const qsizetype held = m_frame.payload.size();
            m_frame.payload.resize(held + qsizetype(wanted));
            const qint64 read = qMax<qint64>(transport.read(m_frame.payload.data() + held, wanted), 0);
            m_frame.payload.resize(held + qsizetype(read));
            m_payloadDirect += read;
            return read;
        }
    }
    const qsizetype before = m_buffer.size();
    if (transport.bytesAvailable() >= maximum || m_buffer.capacity() - before >= maximum) {
        m_buffer.resize(before + qsizetype(maximum));
        const qint64 read = transport.read(m_buffer.data() + before, maximum);
        m_buffer.resize(before + qsizetype(qMax<qint64>(read, 0)));
        return read;
    }
    thread_local std::array<char, kScratchSize> scratch;
    const qint64 read = transport.read(scratch.data(), qMin(maximum, qint64(scratch.size())));
    if (read > 0)
        m_buffer.append(scratch.data(), qsizetype(read));
    return read;
}

qint64 FrameParser::bufferedBytes() const
{
    qint64 buffered = m_buffer.size() - m_offset;
    if (m_inFrame) // the header counts until a first piece of the frame is handed out
        buffered += m_frame.payload.size()
            + (m_payloadRead + m_payloadDirect == m_frame.payload.size() ? m_headerLength : 0);
    return buffered;
}

void FrameParser::compact()
{
    if (m_offset == 0)
        return;
    if (m_offset == m_buffer.size()) {
        if (m_buffer.capacity() > kKeepCapacity)
            m_buffer.clear();
        else
            m_buffer.resize(0);
        m_offset = 0;
    } else if (m_offset >= kCompactAbove && m_offset * 2 >= m_buffer.size()) {
        m_buffer.remove(0, m_offset);
        m_offset = 0;
    }
}

FrameParser::Result FrameParser::fail(quint16 closeCode, const QString &reason)
{
    m_failed = true;
    m_error = Error{closeCode, reason};
    m_buffer.clear();
    m_offset = 0;
    m_inFrame = false;
    m_frame = Frame();
    m_payloadRead = 0;
    m_payloadDirect = 0;
    Result result;
    result.kind = Result::Kind::Error;
    result.error = m_error;
    return result;
}

FrameParser::Result FrameParser::readHeader()
{
    const qsizetype available = m_buffer.size() - m_offset;
    if (available < 2)
        return {};
    const auto *header = reinterpret_cast<const uchar *>(m_buffer.constData() + m_offset);

    // Everything in the first two bytes is checked before waiting for the rest (fail fast).
    if (header[0] & 0x70)
        return fail(CloseCode::ProtocolError, QStringLiteral("reserved bits set without a negotiated extension"));
    const quint8 opcodeValue = header[0] & 0x0F;
    if (!isKnownOpcode(opcodeValue))
        return fail(CloseCode::ProtocolError, QStringLiteral("reserved opcode %1").arg(opcodeValue));
    const auto opcode = Opcode(opcodeValue);
    const bool fin = header[0] & 0x80;
    const bool masked = header[1] & 0x80;
    const quint8 shortLength = header[1] & 0x7F;
    if (isControl(opcode)) {
        if (!fin)
            return fail(CloseCode::ProtocolError, QStringLiteral("fragmented control frame"));
    } else if (opcode == Opcode::Continuation) {
        if (m_message == MessageKind::None)
            return fail(CloseCode::ProtocolError, QStringLiteral("continuation frame without a message to continue"));
    } else if (m_message != MessageKind::None) {
        return fail(CloseCode::ProtocolError, QStringLiteral("new message before the final fragment of the previous one"));
    }
    if (m_role == Role::Server && !masked)
        return fail(CloseCode::ProtocolError, QStringLiteral("unmasked frame from a client"));
    if (m_role == Role::Client && masked)
        return fail(CloseCode::ProtocolError, QStringLiteral("masked frame from a server"));

    const int lengthBytes = shortLength == 126 ? 2 : shortLength == 127 ? 8 : 0;
    if (lengthBytes == 8 && available >= 3 && (header[2] & 0x80))
        return fail(CloseCode::ProtocolError, QStringLiteral("64-bit payload length with the most significant bit set"));
    if (available < 2 + lengthBytes)
        return {};
    // Length encodings longer than needed (5 in 64 bits) are accepted, for control frames
    // too: the minimal encoding is a rule for senders (§5.2), and the payload is what counts.
    qint64 length = shortLength;
    if (lengthBytes == 2)
        length = qFromBigEndian<quint16>(header + 2);
    else if (lengthBytes == 8)
        length = qint64(qFromBigEndian<quint64>(header + 2));

    if (isControl(opcode) && length > 125)
        return fail(CloseCode::ProtocolError, QStringLiteral("control frame payload longer than 125 bytes"));
    // The size limit, from the header alone: a frame over it is refused before its payload
    // has arrived, so it is never buffered.
    const bool isData = !isControl(opcode);
    const qint64 messageSoFar = opcode == Opcode::Continuation ? m_messageSize : 0;
    if (isData && m_maximumMessageSize > 0 && length > m_maximumMessageSize - messageSoFar)
        return fail(CloseCode::TooBig, QStringLiteral("message larger than %1 bytes").arg(m_maximumMessageSize));
    const qint64 fragmentsSoFar = opcode == Opcode::Continuation ? m_messageFragments : 0;
    if (isData && m_maximumMessageSize > 0 && fragmentsSoFar >= maximumFragments())
        return fail(CloseCode::TooBig, QStringLiteral("message in more than %1 fragments").arg(maximumFragments()));

    const qsizetype headerLength = 2 + lengthBytes + (masked ? 4 : 0);
    if (available < headerLength)
        return {};
    if (masked)
        m_maskKey = qFromBigEndian<quint32>(header + 2 + lengthBytes);
    m_offset += headerLength;

    m_inFrame = true;
    m_headerLength = headerLength;
    m_payloadLength = length;
    m_payloadRead = 0;
    m_masked = masked;
    m_frame = Frame{opcode, fin, QByteArray()};
    if (length > 0 && !m_streaming) // a streamed piece is sized by what has arrived
        m_frame.payload.reserve(qsizetype(qMin(length, qMax<qint64>(available - headerLength, kInitialReserve))));
    if (opcode == Opcode::Text || opcode == Opcode::Binary) {
        m_messageSize = 0;
        m_messageFragments = 0;
        m_utf8.reset();
    }
    if (isData) {
        m_messageSize += length;
        ++m_messageFragments;
    }
    m_validateText = opcode == Opcode::Text || (opcode == Opcode::Continuation && m_message == MessageKind::Text);

    Result result;
    result.kind = Result::Kind::Frame;
    return result;
}

FrameParser::Result FrameParser::next()
{
    if (m_failed) {
        Result result;
        result.kind = Result::Kind::Error;
        result.error = m_error;
        return result;
    }
    if (!m_inFrame) {
        Result header = readHeader();
        if (!header.isFrame()) {
            compact();
            return header;
        }
    }

    // What readFrom() put straight into the frame: unmasked in place and checked.
    if (m_payloadDirect > 0) {
        char *direct = m_frame.payload.data() + m_frame.payload.size() - m_payloadDirect;
        const qsizetype size = qsizetype(std::exchange(m_payloadDirect, 0));
        if (m_masked)
            FrameWriter::applyMask(QByteArrayView(direct, size), direct, m_maskKey, m_payloadRead);
        m_payloadRead += size;
        if (m_validateText && !m_utf8.feed(QByteArrayView(direct, size)))
            return fail(CloseCode::InvalidPayload, QStringLiteral("text message is not valid UTF-8"));
    }

    // Move what has arrived of the payload into the frame: one copy, unmasking on the way,
    // and text checked as it comes so that invalid UTF-8 fails before the frame is complete.
    const qsizetype chunk = qsizetype(qMin<qint64>(m_payloadLength - m_payloadRead, m_buffer.size() - m_offset));
    if (chunk > 0) {
        const QByteArrayView source(m_buffer.constData() + m_offset, chunk);
        const qsizetype held = m_frame.payload.size();
        m_frame.payload.resize(held + chunk);
        char *destination = m_frame.payload.data() + held;
        if (m_masked)
            FrameWriter::applyMask(source, destination, m_maskKey, m_payloadRead);
        else
            std::memcpy(destination, source.data(), size_t(chunk));
        m_offset += chunk;
        m_payloadRead += chunk;
        if (m_validateText && !m_utf8.feed(QByteArrayView(destination, chunk)))
            return fail(CloseCode::InvalidPayload, QStringLiteral("text message is not valid UTF-8"));
    }
    const bool complete = m_payloadRead == m_payloadLength;
    const bool piece = m_streaming && !isControl(m_frame.opcode) && !m_frame.payload.isEmpty();
    if (!complete && !piece) {
        compact();
        return {};
    }
    compact();
    return handOut();
}

FrameParser::Result FrameParser::handOut()
{
    Result result;
    result.kind = Result::Kind::Frame;
    result.frame = std::move(m_frame);
    result.frame.offset = m_payloadRead - result.frame.payload.size();
    result.frame.remaining = m_payloadLength - m_payloadRead;
    if (result.frame.remaining > 0) {
        // More of this frame is coming: keep its header, hand out this piece.
        m_frame = Frame{result.frame.opcode, result.frame.fin, QByteArray()};
        return result;
    }
    m_frame = Frame();
    m_inFrame = false;
    m_payloadRead = 0;
    const Frame &frame = result.frame;

    switch (frame.opcode) {
    case Opcode::Close:
        if (frame.payload.size() == 1)
            return fail(CloseCode::ProtocolError, QStringLiteral("close frame with a one-byte payload"));
        if (frame.payload.size() >= 2) {
            const quint16 code = qFromBigEndian<quint16>(frame.payload.constData());
            if (!isValidCloseCodeOnWire(code))
                return fail(CloseCode::ProtocolError, QStringLiteral("invalid close code %1").arg(code));
            if (!Utf8Validator::isValid(QByteArrayView(frame.payload).sliced(2)))
                return fail(CloseCode::InvalidPayload, QStringLiteral("close reason is not valid UTF-8"));
        }
        break;
    case Opcode::Ping:
    case Opcode::Pong:
        break;
    case Opcode::Text:
    case Opcode::Binary:
    case Opcode::Continuation:
        if (frame.fin) {
            if (m_validateText && !m_utf8.atBoundary())
                return fail(CloseCode::InvalidPayload, QStringLiteral("text message ends inside a UTF-8 sequence"));
            m_message = MessageKind::None;
            m_messageSize = 0;
            m_messageFragments = 0;
        } else if (frame.opcode == Opcode::Text) {
            m_message = MessageKind::Text;
        } else if (frame.opcode == Opcode::Binary) {
            m_message = MessageKind::Binary;
        }
        break;
    }
    return result;
}

} // namespace Postern::WebSocket
