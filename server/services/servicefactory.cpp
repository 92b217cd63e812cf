#include "services/servicefactory.h"

#include "services/broadcastservice.h"
#include "services/directoryservice.h"
#include "services/echoservice.h"
#include "services/loginservice.h"
#include "services/managementservice.h"
#include "services/proxyservice.h"

namespace Postern::Services {

ServicePtr createService(const Config::ServiceConfig &config, const ServiceContext &context, QString *error)
{
    Service *service = nullptr;
    if (config.type == u"proxy") {
        auto target = Proxy::BackendTarget::resolve(config, context.tls);
        if (!target) {
            if (error)
                *error = target.error();
            return nullptr;
        }
        service = new ProxyService(config, context, std::move(*target));
    } else if (config.type == u"broadcast") {
        Proxy::BackendTargetPtr target;
        if (!config.connect.isEmpty()) {
            auto resolved = Proxy::BackendTarget::resolve(config, context.tls);
            if (!resolved) {
                if (error)
                    *error = resolved.error();
                return nullptr;
            }
            target = std::move(*resolved);
        }
        auto *broadcast = new BroadcastService(config, context, std::move(target));
        if (!broadcast->prepare(error)) {
            delete broadcast;
            return nullptr;
        }
        service = broadcast;
    } else if (config.type == u"echo") {
        service = new EchoService(config, context);
    } else if (config.type == u"directory") {
        service = new DirectoryService(config, context);
    } else if (config.type == u"management") {
        service = new ManagementService(config, context);
    } else if (config.type == u"login") {
        service = new LoginService(config, context);
    } else
        return nullptr; // the loader admits only the types above
    return ServicePtr(service, [](Service *s) { s->deleteLater(); });
}

} // namespace Postern::Services
