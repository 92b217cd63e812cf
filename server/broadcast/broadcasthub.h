#pragma once

// The fan-out of one broadcast service: its source (a connection it keeps up, or a listener
// sources connect to) and its clients, each with its own bounded ClientQueue. A hub outlives
// the service objects of its name: a reload builds new services and hands the hub the new
// settings, so clients stay connected and a source whose settings did not change stays up.
//
// In a cluster, what a node's sources and clients send is also published on the Redis
// channel "postern:broadcast:<service>", and what other nodes publish there reaches this
// node's clients: each message once, on every node. A <connect> source is connected by one
// node only, the holder of the lease "postern:broadcast:<service>:source"; while Redis cannot
// be reached every node connects its own source and serves its own clients.

#include "config/broadcastoptions.h"
#include "proxy/backendtarget.h"
#include "websocket/opcode.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace Postern {
class Metrics;
}
namespace Postern::Cluster { class ClusterNode; }
namespace Postern::Sessions { class WebSocketSession; }

namespace Postern::Broadcast {

class BroadcastSource;
class ClientQueue;
class SourceListener;

class BroadcastHub final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BroadcastHub)

public:
    BroadcastHub(QString serviceName, Metrics *metrics, QObject *parent = nullptr);
    ~BroadcastHub() override;

    // New settings: `target` is the source to connect to (null when sources connect in), and
    // `listener` a listener already bound for options.sourceAccept (null: keep the current
    // one, which is then listening there already, or none).
    void configure(const Config::BroadcastOptions &options, Proxy::BackendTargetPtr target, SourceListener *listener);
    // The cluster this node belongs to; null: on its own.
    void setCluster(Cluster::ClusterNode *cluster);
    // Whether this node runs the <connect> source now (always without a cluster).
    bool isRunningSource() const { return m_source != nullptr; }
    // Whether the hub's listener is bound to `url` already.
    bool isListeningOn(const QUrl &url) const;

    // Adds a client session (started by the caller afterwards); it leaves when it ends.
    void addClient(Sessions::WebSocketSession *session);
    // Closes every client with 1001 and stops the source: the service is gone.
    void shutdown();

    int clientCount() const { return int(m_clients.size()); }
    bool isSourceConnected() const;
    // How many sources are connected to the listener (0 without one).
    int listenerSourceCount() const;

private:
    // Where a message published to the cluster came from.
    enum class Origin : char { Source = 's', ListenerSource = 'l', Client = 'c' };

    void deliver(WebSocket::Opcode opcode, const QByteArray &payload, const ClientQueue *except);
    void fromSource(WebSocket::Opcode opcode, const QByteArray &payload);
    void fromListener(WebSocket::Opcode opcode, const QByteArray &payload);
    void share(Origin origin, WebSocket::Opcode opcode, const QByteArray &payload);
    void fromCluster(const QByteArray &message);
    // Starts or stops the <connect> source as the lease says.
    void updateSource();
    void renewLease();
    QByteArray channel() const;
    QByteArray leaseKey() const;
    void onSourceLost();
    static bool sameSource(const Proxy::BackendTarget &a, const Proxy::BackendTarget &b);

    QString m_serviceName;
    Metrics *m_metrics;
    Config::BroadcastOptions m_options;
    Proxy::BackendTargetPtr m_target;
    BroadcastSource *m_source = nullptr;
    SourceListener *m_listener = nullptr;
    QList<ClientQueue *> m_clients;
    QPointer<Cluster::ClusterNode> m_cluster;
    QTimer m_lease;
    bool m_leaseHeld = false;     // this node holds the source lease
    bool m_mayRunSource = true;   // holds it, or the cluster cannot be asked
};

} // namespace Postern::Broadcast
