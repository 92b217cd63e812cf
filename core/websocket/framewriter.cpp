#include "websocket/framewriter.h"

#include <QRandomGenerator>
#include <QtEndian>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>

#include <pthread.h>
#include <sys/random.h>

namespace Postern::WebSocket {

namespace {
// Forks of this process so far, counted in the child (see randomMaskKey()).
std::atomic<unsigned> g_forks{0};
} // namespace

void FrameWriter::applyMask(QByteArrayView source, char *destination, quint32 maskKey, qint64 offset)
{
    // The key rotated so that the byte for payload position `offset` comes first, repeated to
    // 8 bytes: XORing whole words lets the compiler vectorise the loop.
    quint8 key[4];
    qToBigEndian(maskKey, key);
    quint8 rotated[8];
    for (int i = 0; i < 8; ++i)
        rotated[i] = key[(offset + i) & 3];
    const char *input = source.data();
    const qsizetype size = source.size();
    quint64 wideKey;
    std::memcpy(&wideKey, rotated, sizeof wideKey);
    qsizetype i = 0;
    for (; size - i >= 8; i += 8) {
        quint64 word;
        std::memcpy(&word, input + i, sizeof word);
        word ^= wideKey;
        std::memcpy(destination + i, &word, sizeof word);
    }
    for (; i < size; ++i)
        destination[i] = char(quint8(input[i]) ^ rotated[i & 7]);
}

namespace {

int headerSize(qint64 length, bool masked)
{
    return 2 + (length <= 125 ? 0 : length <= 0xFFFF ? 2 : 8) + (masked ? 4 : 0);
}

// Writes the header of a frame into `out`, which has room for headerSize() bytes.
void writeHeader(quint8 *out, Opcode opcode, qint64 length, bool fin, std::optional<quint32> maskKey)
{
    out[0] = quint8((fin ? 0x80 : 0x00) | quint8(opcode));
    const quint8 maskBit = maskKey ? 0x80 : 0x00;
    int lengthBytes = 0;
    if (length <= 125) {
        out[1] = quint8(maskBit | length);
    } else if (length <= 0xFFFF) {
        out[1] = maskBit | 126;
        qToBigEndian(quint16(length), out + 2);
        lengthBytes = 2;
    } else {
        out[1] = maskBit | 127;
        qToBigEndian(quint64(length), out + 2);
        lengthBytes = 8;
    }
    if (maskKey)
        qToBigEndian(*maskKey, out + 2 + lengthBytes);
}

} // namespace

QByteArray FrameWriter::header(Opcode opcode, qint64 length, bool fin, std::optional<quint32> maskKey)
{
    Q_ASSERT(!isControl(opcode) || (fin && length <= 125));
    QByteArray header(headerSize(length, maskKey.has_value()), Qt::Uninitialized);
    writeHeader(reinterpret_cast<quint8 *>(header.data()), opcode, length, fin, maskKey);
    return header;
}

qsizetype FrameWriter::headerInto(char *out, Opcode opcode, qint64 length, bool fin, std::optional<quint32> maskKey)
{
    Q_ASSERT(!isControl(opcode) || (fin && length <= 125));
    writeHeader(reinterpret_cast<quint8 *>(out), opcode, length, fin, maskKey);
    return headerSize(length, maskKey.has_value());
}

QByteArray FrameWriter::frame(Opcode opcode, QByteArrayView payload, bool fin, std::optional<quint32> maskKey)
{
    Q_ASSERT(!isControl(opcode) || (fin && payload.size() <= 125));
    const qsizetype size = payload.size();
    const int header = headerSize(size, maskKey.has_value());
    QByteArray frame(header + size, Qt::Uninitialized);
    writeHeader(reinterpret_cast<quint8 *>(frame.data()), opcode, size, fin, maskKey);
    char *body = frame.data() + header;
    if (maskKey)
        applyMask(payload, body, *maskKey);
    else if (size > 0)
        std::memcpy(body, payload.data(), size_t(size));
    return frame;
}

QByteArray FrameWriter::closePayload(quint16 code, const QString &reason)
{
    Q_ASSERT(isValidCloseCodeOnWire(code));
    QByteArray utf8 = reason.toUtf8();
    if (utf8.size() > kMaximumCloseReasonBytes) {
        // Cut before the code point that straddles the limit: back up over continuation bytes.
        qsizetype cut = kMaximumCloseReasonBytes;
        while (cut > 0 && (quint8(utf8.at(cut)) & 0xC0) == 0x80)
            --cut;
        utf8.truncate(cut);
    }
    QByteArray payload(2, Qt::Uninitialized);
    qToBigEndian(code, payload.data());
    payload += utf8;
    return payload;
}

quint32 FrameWriter::randomMaskKey()
{
    // The kernel's generator, a kilobyte at a time for each thread: QRandomGenerator::system()
    // takes every key from RDRAND, which on this project's AMD machines cost as much as the
    // rest of sending a small frame (docs/performance.md, "Fifth pass"). A forked child
    // draws its own: the pools it inherited are its parent's.
    static const bool forksCounted = ::pthread_atfork(nullptr, nullptr, [] {
        g_forks.fetch_add(1, std::memory_order_relaxed);
    }) == 0;
    Q_UNUSED(forksCounted);
    thread_local std::array<quint32, 256> pool;
    thread_local std::size_t next = pool.size();
    thread_local unsigned poolForks = 0;
    const unsigned forks = g_forks.load(std::memory_order_relaxed);
    if (next == pool.size() || poolForks != forks) {
        char *bytes = reinterpret_cast<char *>(pool.data());
        std::size_t filled = 0;
        while (filled < sizeof pool) {
            const ssize_t got = ::getrandom(bytes + filled, sizeof pool - filled, 0);
            if (got > 0)
                filled += std::size_t(got);
            else if (got < 0 && errno != EINTR)
                break;
        }
        if (filled < sizeof pool) // no getrandom(): Qt's own secure source for the whole pool
            QRandomGenerator::system()->fillRange(pool.data(), qsizetype(pool.size()));
        next = 0;
        poolForks = forks;
    }
    return pool[next++];
}

} // namespace Postern::WebSocket
