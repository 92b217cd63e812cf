#include "services/servicefactory.h"

#include "services/directoryservice.h"
#include "services/echoservice.h"
#include "services/proxyservice.h"

namespace Postern::Services {

ServicePtr createService(const Config::ServiceConfig &config, Sessions::SessionRegistry *registry,
                         std::shared_ptr<const Auth::Realm> realm, const Frontdoor::TlsContext *tls, QString *error)
{
    Service *service = nullptr;
    if (config.type == u"proxy") {
        auto target = Proxy::BackendTarget::resolve(config, tls);
        if (!target) {
            if (error)
                *error = target.error();
            return nullptr;
        }
        service = new ProxyService(config, registry, std::move(realm), std::move(*target));
    } else if (config.type == u"echo")
        service = new EchoService(config, registry, std::move(realm));
    else if (config.type == u"directory")
        service = new DirectoryService(config, registry, std::move(realm));
    else
        return nullptr; // the loader admits only the types above
    return ServicePtr(service, [](Service *s) { s->deleteLater(); });
}

} // namespace Postern::Services
