#include "broadcast/hubregistry.h"

#include "broadcast/broadcasthub.h"

namespace Postern::Broadcast {

HubRegistry::HubRegistry(Metrics *metrics, QObject *parent) : QObject(parent), m_metrics(metrics) {}

HubRegistry::~HubRegistry() = default;

BroadcastHub *HubRegistry::hub(const QString &service)
{
    BroadcastHub *&hub = m_hubs[service];
    if (!hub) {
        hub = new BroadcastHub(service, m_metrics, this);
        hub->setCluster(m_cluster);
    }
    return hub;
}

void HubRegistry::setCluster(Cluster::ClusterNode *cluster)
{
    m_cluster = cluster;
    for (BroadcastHub *hub : std::as_const(m_hubs))
        hub->setCluster(cluster);
}

void HubRegistry::retain(const QStringList &services)
{
    for (auto it = m_hubs.begin(); it != m_hubs.end();) {
        if (services.contains(it.key())) {
            ++it;
            continue;
        }
        it.value()->shutdown();
        it.value()->deleteLater();
        it = m_hubs.erase(it);
    }
}

} // namespace Postern::Broadcast
