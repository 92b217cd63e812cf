#pragma once

// The broadcast hubs of a gateway, by service name. The gateway owns it; services find their
// hub here, so that a hub (its clients, its source) survives the reloads that rebuild them.

#include <QHash>
#include <QObject>
#include <QStringList>

namespace Postern {
class Metrics;
}

namespace Postern::Cluster { class ClusterNode; }

namespace Postern::Broadcast {

class BroadcastHub;

class HubRegistry final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HubRegistry)

public:
    explicit HubRegistry(Metrics *metrics, QObject *parent = nullptr);
    ~HubRegistry() override;

    // The hub of `service`, made when there is none yet.
    BroadcastHub *hub(const QString &service);
    // The hub of `service`, or null.
    BroadcastHub *find(const QString &service) const { return m_hubs.value(service); }
    // The cluster every hub shares its messages through; null: this gateway is on its own.
    void setCluster(Cluster::ClusterNode *cluster);
    // Shuts down and removes the hubs of services not in `services`.
    void retain(const QStringList &services);

private:
    Metrics *m_metrics;
    Cluster::ClusterNode *m_cluster = nullptr;
    QHash<QString, BroadcastHub *> m_hubs;
};

} // namespace Postern::Broadcast
