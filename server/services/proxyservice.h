#pragma once

// type "proxy": relays each client WebSocket session to its own connection to the back-end
// named by <connect> (tcp://, ssl://, ws://, wss://), made as connect.strategy says:
// immediate (before the 101; 502/504 without an upgrade when it fails), deferred (on the
// client's first message) or prepared (from a pool; 503 when none is ready).

#include "proxy/backendtarget.h"
#include "services/service.h"

namespace Postern::Proxy {
class BackendConnector;
class PreparedPool;
}

namespace Postern::Services {

class ProxyService final : public Service
{
    Q_OBJECT

public:
    // `target` comes from BackendTarget::resolve() of this configuration.
    ProxyService(Config::ServiceConfig config, ServiceContext context, Proxy::BackendTargetPtr target,
                 QObject *parent = nullptr);
    ~ProxyService() override;

    void upgrade(Frontdoor::PendingUpgrade *upgrade) override;
    // The prepared strategy's pool of back-end connections lives in the main thread.
    bool runsInWorkers() const override { return !m_pool; }

private:
    // Completes `upgrade` through `connector` (transport ready, or upgraded when `protocol`
    // is known), or refuses it.
    void proceed(Frontdoor::PendingUpgrade *upgrade, Proxy::BackendConnector *connector);
    void relay(Frontdoor::PendingUpgrade *upgrade, Proxy::BackendConnector *connector, const QByteArray &protocol);
    void refuse(Frontdoor::PendingUpgrade *upgrade, int status, const QString &reason);

    Proxy::BackendTargetPtr m_target;
    Proxy::PreparedPool *m_pool = nullptr;
};

} // namespace Postern::Services
