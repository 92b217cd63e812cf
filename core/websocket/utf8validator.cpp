#include "websocket/utf8validator.h"

#include <array>
#include <cstring>

namespace Postern::WebSocket {

namespace {

// Byte classes: what a byte can be in well-formed UTF-8 (RFC 3629 §4).
enum Class : quint8 {
    Ascii,      // 00..7F
    Cont80,     // 80..8F  continuation
    Cont90,     // 90..9F  continuation
    ContA0,     // A0..BF  continuation
    Lead2,      // C2..DF  2-byte lead
    LeadE0,     // E0      3-byte lead, next A0..BF (no overlong)
    Lead3,      // E1..EC, EE..EF
    LeadED,     // ED      3-byte lead, next 80..9F (no surrogates)
    LeadF0,     // F0      4-byte lead, next 90..BF (no overlong)
    Lead4,      // F1..F3
    LeadF4,     // F4      4-byte lead, next 80..8F (nothing above U+10FFFF)
    Invalid,    // C0, C1, F5..FF
    ClassCount
};

// States: between code points, failed for good (the same values as the header's kAccept and
// kReject), and what the rest of a code point must be.
enum : quint8 {
    Accept = 0,
    Reject = 1,
    Need1,        // one continuation byte
    Need2,        // two continuation bytes
    NeedA0Then1,  // after E0
    Need80To9F1,  // after ED
    Need3,        // three continuation bytes
    Need90Then2,  // after F0
    Need80To8F2,  // after F4
    StateCount
};

constexpr std::array<quint8, 256> makeClasses()
{
    std::array<quint8, 256> classes{};
    for (int b = 0; b < 256; ++b) {
        Class c = Invalid;
        if (b <= 0x7F) c = Ascii;
        else if (b <= 0x8F) c = Cont80;
        else if (b <= 0x9F) c = Cont90;
        else if (b <= 0xBF) c = ContA0;
        else if (b <= 0xC1) c = Invalid;
        else if (b <= 0xDF) c = Lead2;
        else if (b == 0xE0) c = LeadE0;
        else if (b == 0xED) c = LeadED;
        else if (b <= 0xEF) c = Lead3;
        else if (b == 0xF0) c = LeadF0;
        else if (b <= 0xF3) c = Lead4;
        else if (b == 0xF4) c = LeadF4;
        classes[b] = c;
    }
    return classes;
}

using Transitions = std::array<std::array<quint8, ClassCount>, StateCount>;

constexpr Transitions makeTransitions()
{
    Transitions t{};
    for (auto &row : t)
        row.fill(Reject);
    auto &accept = t[Accept];
    accept[Ascii] = Accept;
    accept[Lead2] = Need1;
    accept[LeadE0] = NeedA0Then1;
    accept[Lead3] = Need2;
    accept[LeadED] = Need80To9F1;
    accept[LeadF0] = Need90Then2;
    accept[Lead4] = Need3;
    accept[LeadF4] = Need80To8F2;
    for (Class c : {Cont80, Cont90, ContA0}) {
        t[Need1][c] = Accept;
        t[Need2][c] = Need1;
        t[Need3][c] = Need2;
    }
    t[NeedA0Then1][ContA0] = Need1;
    t[Need80To9F1][Cont80] = Need1;
    t[Need80To9F1][Cont90] = Need1;
    t[Need90Then2][Cont90] = Need2;
    t[Need90Then2][ContA0] = Need2;
    t[Need80To8F2][Cont80] = Need2;
    return t;
}

constexpr std::array<quint8, 256> kClasses = makeClasses();
constexpr Transitions kTransitions = makeTransitions();

constexpr quint64 kHighBits = 0x8080808080808080ULL;

} // namespace

bool Utf8Validator::feed(QByteArrayView bytes)
{
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.data());
    const auto *const end = p + bytes.size();
    static_assert(Accept == kAccept && Reject == kReject);
    quint8 state = m_state;
    while (p != end) {
        if (state == Accept) {
            // ASCII fast path: eight bytes at a time while none has its high bit set.
            while (end - p >= 8) {
                quint64 word;
                std::memcpy(&word, p, sizeof word);
                if (word & kHighBits)
                    break;
                p += 8;
            }
            while (p != end && *p < 0x80)
                ++p;
            if (p == end)
                break;
        }
        state = kTransitions[state][kClasses[*p++]];
        if (state == Reject)
            break;
    }
    m_state = state;
    return state != Reject;
}

bool Utf8Validator::isValid(QByteArrayView bytes)
{
    Utf8Validator validator;
    return validator.feed(bytes) && validator.atBoundary();
}

} // namespace Postern::WebSocket
