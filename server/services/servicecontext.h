#pragma once

// What a service is built with besides its configuration: the gateway's parts it works
// with. Everything here outlives the service (a reload replaces services, not these).

#include <QStringList>

#include <memory>

namespace Postern {
class Metrics;
}
namespace Postern::Auth { class Realm; }
namespace Postern::Broadcast { class HubRegistry; }
namespace Postern::Frontdoor {
class RefusalLog;
class TlsContext;
}
namespace Postern::Management { class ManagementHub; }
namespace Postern::Sessions { class SessionRegistry; }

namespace Postern::Services {

struct ServiceContext
{
    Sessions::SessionRegistry *registry = nullptr;
    std::shared_ptr<const Auth::Realm> realm; // null: no login
    const Frontdoor::TlsContext *tls = nullptr; // the truststore for proxies' back-ends
    Metrics *metrics = nullptr;
    Management::ManagementHub *management = nullptr;
    Broadcast::HubRegistry *broadcasts = nullptr;
    Frontdoor::RefusalLog *refusals = nullptr; // for refusals that come in floods (session limits)
    QStringList serviceNames; // of the whole configuration (for /metrics)
};

} // namespace Postern::Services
