#include "services/servicefactory.h"

#include "services/directoryservice.h"
#include "services/echoservice.h"

namespace Postern::Services {

ServicePtr createService(const Config::ServiceConfig &config, Sessions::SessionRegistry *registry,
                         std::shared_ptr<const Auth::Realm> realm)
{
    Service *service = nullptr;
    if (config.type == u"echo")
        service = new EchoService(config, registry, std::move(realm));
    else if (config.type == u"directory")
        service = new DirectoryService(config, registry, std::move(realm));
    else
        return nullptr; // the loader admits only the types above
    return ServicePtr(service, [](Service *s) { s->deleteLater(); });
}

} // namespace Postern::Services
