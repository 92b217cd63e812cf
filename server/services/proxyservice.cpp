#include "services/proxyservice.h"

#include "frontdoor/pendingupgrade.h"
#include "logging.h"
#include "logline.h"
#include "metrics.h"
#include "proxy/backendconnector.h"
#include "proxy/preparedpool.h"
#include "proxy/proxyrelay.h"
#include "sessions/websocketsession.h"

namespace Postern::Services {

ProxyService::ProxyService(Config::ServiceConfig config, ServiceContext context, Proxy::BackendTargetPtr target,
                           QObject *parent)
    : Service(std::move(config), std::move(context), parent), m_target(std::move(target))
{
    if (this->config().proxy.strategy == Config::ProxyOptions::Strategy::Prepared)
        m_pool = new Proxy::PreparedPool(name(), m_target, this->config().proxy.preparedConnectionCount, this);
}

ProxyService::~ProxyService() = default;

void ProxyService::upgrade(Frontdoor::PendingUpgrade *upgrade)
{
    switch (config().proxy.strategy) {
    case Config::ProxyOptions::Strategy::Immediate: {
        auto *connector = new Proxy::BackendConnector(m_target, upgrade); // dies with an abandoned upgrade
        connect(connector, &Proxy::BackendConnector::transportReady, upgrade,
                [this, upgrade, connector] { proceed(upgrade, connector); });
        connect(connector, &Proxy::BackendConnector::failed, upgrade,
                [this, upgrade](int status, const QString &reason) { refuse(upgrade, status, reason); });
        connector->connectTransport();
        break;
    }
    case Config::ProxyOptions::Strategy::Prepared: {
        Proxy::BackendConnector *connector = m_pool->take();
        if (!connector) {
            refuse(upgrade, 503, QStringLiteral("no prepared connection to back-end %1 is ready").arg(m_target->url));
            return;
        }
        connector->setParent(upgrade);
        connect(connector, &Proxy::BackendConnector::failed, upgrade,
                [this, upgrade](int status, const QString &reason) { refuse(upgrade, status, reason); });
        proceed(upgrade, connector);
        break;
    }
    case Config::ProxyOptions::Strategy::Deferred: {
        // The back-end is not asked before the 101, so no sub-protocol can be agreed with it.
        Sessions::WebSocketSession *session = acceptUpgrade(
            upgrade, {}, Proxy::ProxyRelay::clientOptions(clientEndpointOptions(), *m_target, config().proxy.maximumPendingBytes));
        if (!session)
            return;
        auto *relay = new Proxy::ProxyRelay(session, m_target, config().proxy.maximumPendingBytes);
        relay->connectOnFirstMessage({{}, upgrade->connection().peerAddress, upgrade->connection().secure});
        session->start();
        break;
    }
    }
}

void ProxyService::proceed(Frontdoor::PendingUpgrade *upgrade, Proxy::BackendConnector *connector)
{
    if (!m_target->isWebSocket()) {
        relay(upgrade, connector, {});
        return;
    }
    connect(connector, &Proxy::BackendConnector::upgraded, upgrade,
            [this, upgrade, connector](const QByteArray &protocol) { relay(upgrade, connector, protocol); });
    const Frontdoor::ConnectionInfo &client = upgrade->connection();
    connector->upgrade({upgrade->offeredProtocols(), client.peerAddress, client.secure});
}

void ProxyService::relay(Frontdoor::PendingUpgrade *upgrade, Proxy::BackendConnector *connector, const QByteArray &protocol)
{
    const qint64 limit = config().proxy.maximumPendingBytes;
    Sessions::WebSocketSession *session =
        acceptUpgrade(upgrade, protocol, Proxy::ProxyRelay::clientOptions(clientEndpointOptions(), *m_target, limit));
    if (!session)
        return; // the client left: the connector, a child of the upgrade, closes the back-end
    auto *relay = new Proxy::ProxyRelay(session, m_target, limit);
    relay->attach(connector->takeSocket());
    session->start();
}

void ProxyService::refuse(Frontdoor::PendingUpgrade *upgrade, int status, const QString &reason)
{
    qCWarning(lcProxy).noquote() << LogLine(QStringLiteral("refused"))
                                        .add(QStringLiteral("client"), upgrade->connection().peer())
                                        .add(QStringLiteral("service"), name())
                                        .add(QStringLiteral("status"), qint64(status))
                                        .add(QStringLiteral("reason"), reason)
                                        .text();
    if (context().metrics)
        context().metrics->countRefusal(name(), QStringLiteral("back-end"));
    upgrade->refuse(status, status == 504   ? QStringLiteral("the back-end did not answer in time")
                            : status == 503 ? QStringLiteral("the back-end is not available")
                                            : QStringLiteral("the back-end cannot be reached"));
}

} // namespace Postern::Services
