// Fuzz target: the WebSocket frame layer Postern owns (core/websocket): FrameParser and the
// Utf8Validator it runs over text. The first byte chooses the parser's role, streaming and
// message size limit; the second how the rest is cut into reads. The rest is what a peer
// sends. Besides crashes and undefined behaviour this checks what the parser promises:
// - the same bytes give the same frames and the same error however they are cut into reads;
// - control frames are whole, final and at most 125 bytes; a limited message is within it;
// - every text message handed out is valid UTF-8 (by a plain reference decoder, not the
//   validator under test), and the validator agrees with the reference however it is fed;
// - a failure carries 1002, 1007 or 1009 with a short reason, and stays.

#include "websocket/frameparser.h"
#include "websocket/utf8validator.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace Postern::WebSocket;

namespace {

#define FUZZ_CHECK(condition) \
    do { \
        if (!(condition)) { \
            std::fprintf(stderr, "check failed: %s (%s:%d)\n", #condition, __FILE__, __LINE__); \
            std::abort(); \
        } \
    } while (false)

// RFC 3629 decoding written the obvious way, to compare the table-driven validator against.
bool referenceValidUtf8(QByteArrayView bytes)
{
    qsizetype i = 0;
    while (i < bytes.size()) {
        const auto lead = uchar(bytes[i]);
        int length = 0;
        char32_t codePoint = 0;
        if (lead < 0x80) {
            ++i;
            continue;
        } else if ((lead & 0xE0) == 0xC0) {
            length = 2;
            codePoint = lead & 0x1F;
        } else if ((lead & 0xF0) == 0xE0) {
            length = 3;
            codePoint = lead & 0x0F;
        } else if ((lead & 0xF8) == 0xF0) {
            length = 4;
            codePoint = lead & 0x07;
        } else {
            return false;
        }
        if (i + length > bytes.size())
            return false;
        for (int k = 1; k < length; ++k) {
            const auto next = uchar(bytes[i + k]);
            if ((next & 0xC0) != 0x80)
                return false;
            codePoint = (codePoint << 6) | (next & 0x3F);
        }
        static constexpr char32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
        if (codePoint < smallest[length] || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF))
            return false;
        i += length;
    }
    return true;
}

struct Outcome
{
    struct Event
    {
        Opcode opcode;
        bool fin;
        QByteArray payload; // the whole frame's, pieces joined

        bool operator==(const Event &) const = default;
    };
    std::vector<Event> frames;
    quint16 errorCode = 0;
};

class Cutter
{
public:
    explicit Cutter(uint8_t seed) : m_state(seed * 2654435761u + 1), m_base(seed % 32 + 1) {}
    qsizetype next() // 1 .. 2 * base, or now and then one large read
    {
        m_state = m_state * 1103515245u + 12345u;
        const quint32 value = m_state >> 16;
        return value % 17 == 0 ? 4096 : qsizetype(value % (2 * m_base) + 1);
    }

private:
    quint32 m_state;
    quint32 m_base;
};

Outcome run(QByteArrayView stream, FrameParser::Role role, bool streaming, qint64 limit, Cutter *cutter)
{
    Outcome outcome;
    FrameParser parser(role, limit);
    parser.setStreaming(streaming);
    Outcome::Event current{};
    bool inFrame = false;
    QByteArray message;   // the data message so far, to check its UTF-8 and size
    bool textMessage = false;
    qsizetype position = 0;
    while (position < stream.size() && !parser.hasFailed()) {
        const qsizetype take = cutter ? qMin(cutter->next(), stream.size() - position) : stream.size();
        parser.append(stream.sliced(position, take));
        position += take;
        for (;;) {
            FrameParser::Result result = parser.next();
            FUZZ_CHECK(parser.bufferedBytes() >= 0);
            if (result.needsMoreData())
                break;
            if (result.isError()) {
                const quint16 code = result.error.closeCode;
                FUZZ_CHECK(code == CloseCode::ProtocolError || code == CloseCode::InvalidPayload
                           || code == CloseCode::TooBig);
                FUZZ_CHECK(code != CloseCode::TooBig || limit > 0);
                FUZZ_CHECK(!result.error.reason.isEmpty() && result.error.reason.size() <= 123);
                FUZZ_CHECK(parser.hasFailed() && parser.next().error.closeCode == code);
                outcome.errorCode = code;
                break;
            }
            const Frame &piece = result.frame;
            FUZZ_CHECK(piece.offset >= 0 && piece.remaining >= 0);
            if (isControl(piece.opcode)) {
                FUZZ_CHECK(piece.fin && piece.startsFrame() && piece.endsFrame() && piece.payload.size() <= 125);
                outcome.frames.push_back({piece.opcode, piece.fin, piece.payload});
                continue;
            }
            FUZZ_CHECK(streaming || (piece.startsFrame() && piece.endsFrame()));
            if (piece.startsFrame()) {
                FUZZ_CHECK(!inFrame);
                current = {piece.opcode, piece.fin, QByteArray()};
                inFrame = true;
                if (piece.opcode != Opcode::Continuation) {
                    message.clear();
                    textMessage = piece.opcode == Opcode::Text;
                }
            }
            FUZZ_CHECK(inFrame && piece.opcode == current.opcode && piece.fin == current.fin);
            FUZZ_CHECK(piece.offset == current.payload.size());
            current.payload += piece.payload;
            message += piece.payload;
            FUZZ_CHECK(limit == 0 || message.size() <= limit);
            if (piece.endsFrame()) {
                inFrame = false;
                outcome.frames.push_back(current);
                if (current.fin && textMessage)
                    FUZZ_CHECK(referenceValidUtf8(message));
            }
        }
    }
    return outcome;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const uint8_t settings = data[0];
    const auto role = settings & 1 ? FrameParser::Role::Client : FrameParser::Role::Server;
    const bool streaming = settings & 2;
    static constexpr qint64 limits[] = {0, 16, 1000, 65536};
    const qint64 limit = limits[(settings >> 2) & 3];
    const QByteArrayView stream(reinterpret_cast<const char *>(data + 2), qsizetype(size - 2));

    Cutter cutter(data[1]);
    const Outcome cut = run(stream, role, streaming, limit, &cutter);
    const Outcome whole = run(stream, role, streaming, limit, nullptr);
    FUZZ_CHECK(cut.errorCode == whole.errorCode);
    FUZZ_CHECK(cut.frames == whole.frames);

    // The validator fed in pieces agrees with the reference decoder on the whole.
    Utf8Validator validator;
    Cutter pieces(data[1]);
    bool failed = false;
    for (qsizetype position = 0; position < stream.size();) {
        const qsizetype take = qMin(pieces.next(), stream.size() - position);
        failed = !validator.feed(stream.sliced(position, take)) || failed;
        FUZZ_CHECK(failed == validator.hasFailed());
        position += take;
    }
    const bool valid = !failed && validator.atBoundary();
    FUZZ_CHECK(valid == referenceValidUtf8(stream));
    FUZZ_CHECK(valid == Utf8Validator::isValid(stream));
    return 0;
}
