#pragma once

// Everything a listener's connections need, as one immutable value: a reload builds a new
// one and in-flight connections finish with the one they started with.

#include "config/acceptoptions.h"
#include "frontdoor/routetable.h"
#include "frontdoor/servertlscontexts.h"
#include "frontdoor/tlscontext.h"
#include "frontdoor/tlssettings.h"

#include <memory>

namespace Postern { class Metrics; }

namespace Postern::Frontdoor {

class ConnectionLimiter;

struct ListenerContext
{
    bool secure = false;       // TLS ends here
    bool secureScheme = false; // the accept URLs are wss/https (TLS may end at an offloader in front)
    QString defaultHost;   // the accept URL's host: the certificate to use without SNI
    QString displayName;   // "wss://localhost:9000"
    Config::AcceptOptions options;
    RouteTable routes;
    std::shared_ptr<const TlsContext> tls;
    TlsSettings tlsSettings; // ssl.protocols and ssl.ciphers of this port
    // The OpenSSL contexts its connections share (filled by the handshakes themselves).
    std::shared_ptr<ServerTlsContexts> tlsContexts = std::make_shared<ServerTlsContexts>();
    Metrics *metrics = nullptr; // the gateway's; outlives every context
    ConnectionLimiter *limiter = nullptr; // the gateway's; outlives every context
};

using ListenerContextPtr = std::shared_ptr<const ListenerContext>;

} // namespace Postern::Frontdoor
