#pragma once

// Makes the service object for a configured service type.

#include "config/serviceconfig.h"

#include <memory>

namespace Postern::Auth { class Realm; }
namespace Postern::Frontdoor { class TlsContext; }
namespace Postern::Sessions { class SessionRegistry; }

namespace Postern::Services {

class Service;

// Services are shared by the listeners and in-flight connections that route to them; the
// last holder frees the object through deleteLater (it may be inside one of its slots).
using ServicePtr = std::shared_ptr<Service>;

// Null, with `error` set, when the service cannot be built (a proxy whose back-end TLS
// settings do not resolve). `tls` holds the truststore proxies verify back-ends against.
ServicePtr createService(const Config::ServiceConfig &config, Sessions::SessionRegistry *registry,
                         std::shared_ptr<const Auth::Realm> realm, const Frontdoor::TlsContext *tls,
                         QString *error);

} // namespace Postern::Services
