// Fuzz target: the front door's HTTP request head parser (server/frontdoor/httprequestparser)
// and what the front door asks of a parsed head. The input is the bytes a client sends before
// its head ends; anything goes, and the parser must answer a head or an error, never crash,
// read out of bounds or hit undefined behaviour.

#include "frontdoor/httprequestparser.h"
#include "websocket/handshake.h"

#include <cstdint>
#include <cstdlib>

using namespace Postern::Frontdoor;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));

    // As the front door does: find the end of the head, then parse up to it. The whole input
    // is also parsed as a head, to reach the "incomplete head" checks.
    const qsizetype end = HttpRequestParser::findEndOfHead(bytes);
    if (end > bytes.size() || (end >= 0 && end < 4))
        std::abort(); // outside the data it was given
    HttpRequestParser::parse(bytes);
    if (end < 0)
        return 0;
    const auto request = HttpRequestParser::parse(bytes.first(end));
    if (!request) {
        // Every refusal is an HTTP error status with a reason a person can read.
        if (request.error().status < 400 || request.error().status > 599 || request.error().reason.isEmpty())
            std::abort();
        return 0;
    }
    if (request->headLength != end || !request->path.startsWith(u'/') || !request->target.startsWith('/'))
        std::abort();

    // Everything the front door and the services read from a head.
    (void)request->host();
    (void)request->wantsWebSocket();
    (void)request->keepAlive();
    (void)request->hasBody();
    (void)request->queryParameter("access_token");
    (void)request->cookie("postern-session");
    (void)request->headerHasToken("Connection", "upgrade");
    const QByteArray key = request->header("Sec-WebSocket-Key");
    if (Postern::WebSocket::Handshake::isValidClientKey(key))
        (void)Postern::WebSocket::Handshake::acceptKey(key);
    HttpRequestParser::decodePath(request->target);
    return 0;
}
