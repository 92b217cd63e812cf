#pragma once

// posternd's one message handler: "2026-11-22T10:00:00.123Z INFO  postern.frontdoor: text"
// on standard error, one line per message.

namespace Postern::App {

void installLogHandler(bool verbose);

} // namespace Postern::App
