#pragma once

// type "broadcast": delivers what its source sends to every client session (KAAZING's
// broadcast service). The source is a connection the gateway keeps up (<connect>), or
// connections made to the property accept; the fan-out lives in a Broadcast::BroadcastHub
// that outlives this object across reloads.

#include "proxy/backendtarget.h"
#include "services/service.h"

namespace Postern::Broadcast { class SourceListener; }

namespace Postern::Services {

class BroadcastService final : public Service
{
    Q_OBJECT

public:
    // `target` comes from BackendTarget::resolve() when the service has a <connect>.
    BroadcastService(Config::ServiceConfig config, ServiceContext context, Proxy::BackendTargetPtr target,
                     QObject *parent = nullptr);
    ~BroadcastService() override;

    // Binds the listener for sources when its address is new; false with `error` when it
    // cannot (the configuration is then not applied).
    bool prepare(QString *error);
    void activate() override;
    void upgrade(Frontdoor::PendingUpgrade *upgrade) override;

private:
    Proxy::BackendTargetPtr m_target;
    Broadcast::SourceListener *m_listener = nullptr; // bound by prepare(), handed to the hub by activate()
};

} // namespace Postern::Services
