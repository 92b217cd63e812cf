#pragma once

// One WebSocket frame as the parser delivers it and the writer takes it: the opcode, the FIN
// bit and the payload, already unmasked. A fragmented message is a Text or Binary frame with
// fin == false followed by Continuation frames, the last with fin == true.
//
// A parser that streams payloads (FrameParser::setStreaming) hands a data frame out in
// pieces as its bytes arrive: each piece repeats the opcode and FIN bit of its frame, says
// where it starts in the frame's payload and how much of the frame is still to come. A whole
// frame is the one piece with offset 0 and nothing remaining.

#include "websocket/opcode.h"

#include <QByteArray>

namespace Postern::WebSocket {

struct Frame
{
    Opcode opcode = Opcode::Binary;
    bool fin = true;
    QByteArray payload;
    qint64 offset = 0;    // of payload[0] within the frame's payload
    qint64 remaining = 0; // payload bytes of this frame after this piece

    bool startsFrame() const { return offset == 0; }
    bool endsFrame() const { return remaining == 0; }
    qint64 frameLength() const { return offset + payload.size() + remaining; }
};

} // namespace Postern::WebSocket
