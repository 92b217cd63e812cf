#pragma once

// Checks UTF-8 (RFC 3629) as it arrives, in pieces that may split a code point: text
// messages must be valid UTF-8 (RFC 6455 §8.1), and a peer sending invalid text is failed as
// soon as a byte arrives that no valid text could continue with, not at the end of the
// message. Refuses overlong forms, surrogates (U+D800..U+DFFF), code points above U+10FFFF
// and the bytes that never occur (0xC0, 0xC1, 0xF5..0xFF).

#include <QByteArrayView>

namespace Postern::WebSocket {

class Utf8Validator
{
public:
    // False as soon as the bytes fed since the last reset() cannot begin valid UTF-8; it
    // stays false until reset().
    bool feed(QByteArrayView bytes);
    // True when no code point is half finished (and nothing invalid was fed): the text so far
    // is complete, valid UTF-8.
    bool atBoundary() const { return m_state == kAccept; }
    bool hasFailed() const { return m_state == kReject; }
    void reset() { m_state = kAccept; }

    // The whole of `bytes` is valid UTF-8.
    static bool isValid(QByteArrayView bytes);

private:
    // States of the automaton in utf8validator.cpp: between code points, and failed for good.
    static constexpr quint8 kAccept = 0;
    static constexpr quint8 kReject = 1;

    quint8 m_state = kAccept;
};

} // namespace Postern::WebSocket
