#pragma once

// This gateway's part in the cluster's view of itself (docs/cluster.md): every 2 s, and soon
// after a session opens or closes, it writes the node's summary (name, up since, last seen,
// session count) to the Redis key postern:node:<name> and its sessions to
// postern:node:<name>:sessions, both lapsing after 6 s, and names the node in the set
// postern:nodes; a node that stops writing drops out of the view. It reads the other nodes'
// keys when the management API asks (cluster.nodes, sessions.list with scope cluster), and
// carries a sessions.close for another node over that node's channel
// postern:node:<name>:control; the node runs it and answers on postern:node:<asker>:reply.
// Without <cluster>, or while Redis cannot be reached, the view answers `unavailable`; the
// local operations never depend on it.

#include "management/caller.h"
#include "management/operationtable.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace Postern::Cluster { class ClusterNode; }

namespace Postern::Management {

class GatewayControl;

class ClusterDirectory final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClusterDirectory)

public:
    // Runs a close another node asked for, here: `params` as sessions.close takes them.
    using CloseHandler = std::function<OperationResult(const Params &params, const Caller &caller)>;

    explicit ClusterDirectory(GatewayControl *gateway, QObject *parent = nullptr);
    ~ClusterDirectory() override;

    // Follows the gateway's cluster node, which a reload may have made, replaced or removed.
    void follow();
    // This node's name; empty without <cluster>.
    QString nodeName() const;
    void setCloseHandler(CloseHandler handler) { m_closeHere = std::move(handler); }

    // {"nodes": [{"name", "upSince", "lastSeen", "sessions", "self"}]}, this node first.
    void nodes(Answer answer);
    // Every node's sessions (as sessions.list's, each with "node"), this node's first.
    void sessions(std::function<void(std::expected<QJsonArray, ManagementError>)> answer);
    // Sends sessions.close `params` to `node` (not this one) and answers what it says:
    // {"node", "reachable": true, "closed", "unknown"}, or "reachable": false when it did not
    // answer within 3 s; not-found when there is no such node in the cluster.
    void closeOn(const QString &node, const QJsonObject &params, const Caller &caller, Answer answer);

private:
    struct Peer
    {
        QString name;
        QJsonObject summary;
        QJsonArray sessions;
    };
    struct Pending
    {
        Answer answer;
        QString node;
        QTimer *timeout;
    };
    using PeersAnswer = std::function<void(std::expected<QList<Peer>, ManagementError>)>;

    // The view cannot be had: why (not in a cluster, Redis unreachable); nothing when it can.
    std::optional<ManagementError> unavailable() const;
    // Reads the other nodes' summaries (and sessions) from Redis; forgets nodes that lapsed.
    void readPeers(bool withSessions, PeersAnswer answer);
    QJsonObject localSummary() const;
    // This node's sessions, each with "node"; at most `limit` of them (oldest first).
    QJsonArray localSessions(qsizetype limit) const;
    void publish();
    void onControl(const QByteArray &payload);
    void onReply(const QByteArray &payload);
    void settle(const QByteArray &request, OperationResult result);

    GatewayControl *m_gateway;
    QPointer<Cluster::ClusterNode> m_node;
    QString m_name;
    CloseHandler m_closeHere;
    QTimer m_refresh; // every 2 s: the summary is written again
    QTimer m_soon;    // a session opened or closed: written within 250 ms, once for a burst
    QHash<QByteArray, Pending> m_pending; // closes sent to other nodes, by request id
};

} // namespace Postern::Management
