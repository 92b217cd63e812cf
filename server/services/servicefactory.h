#pragma once

// Makes the service object for a configured service type.

#include "config/serviceconfig.h"

#include <memory>

#include "services/servicecontext.h"
namespace Postern::Sessions { class SessionRegistry; }

namespace Postern::Services {

class Service;

// Services are shared by the listeners and in-flight connections that route to them; the
// last holder frees the object through deleteLater (it may be inside one of its slots).
using ServicePtr = std::shared_ptr<Service>;

// Null, with `error` set, when the service cannot be built (a proxy whose back-end TLS
// settings do not resolve).
ServicePtr createService(const Config::ServiceConfig &config, const ServiceContext &context, QString *error);

} // namespace Postern::Services
