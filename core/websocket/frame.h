#pragma once

// One WebSocket frame as the parser delivers it and the writer takes it: the opcode, the FIN
// bit and the payload, already unmasked. A fragmented message is a Text or Binary frame with
// fin == false followed by Continuation frames, the last with fin == true.

#include "websocket/opcode.h"

#include <QByteArray>

namespace Postern::WebSocket {

struct Frame
{
    Opcode opcode = Opcode::Binary;
    bool fin = true;
    QByteArray payload;
};

} // namespace Postern::WebSocket
