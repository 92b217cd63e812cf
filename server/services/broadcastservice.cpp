#include "services/broadcastservice.h"

#include "broadcast/broadcasthub.h"
#include "broadcast/hubregistry.h"
#include "broadcast/sourcelistener.h"
#include "sessions/websocketsession.h"

namespace Postern::Services {

BroadcastService::BroadcastService(Config::ServiceConfig config, ServiceContext context, Proxy::BackendTargetPtr target,
                                   QObject *parent)
    : Service(std::move(config), std::move(context), parent), m_target(std::move(target))
{
}

BroadcastService::~BroadcastService() = default;

bool BroadcastService::prepare(QString *error)
{
    const Config::BroadcastOptions &options = config().broadcast;
    if (options.sourceAccept.isEmpty())
        return true;
    const Broadcast::BroadcastHub *hub = context().broadcasts->find(name());
    if (hub && hub->isListeningOn(options.sourceAccept))
        return true;
    m_listener = new Broadcast::SourceListener(name(), options, this);
    return m_listener->listen(error);
}

void BroadcastService::activate()
{
    Broadcast::BroadcastHub *hub = context().broadcasts->hub(name());
    hub->configure(config().broadcast, m_target, m_listener);
    m_listener = nullptr; // the hub's now
}

void BroadcastService::upgrade(Frontdoor::PendingUpgrade *upgrade)
{
    WebSocket::Endpoint::Options options = clientEndpointOptions();
    options.maximumPendingOutput = 0; // the client's ClientQueue bounds what waits for it
    Sessions::WebSocketSession *session = acceptUpgrade(upgrade, {}, options);
    if (!session)
        return;
    context().broadcasts->hub(name())->addClient(session);
    session->start();
}

} // namespace Postern::Services
