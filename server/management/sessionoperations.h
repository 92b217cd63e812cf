#pragma once

// sessions.*: the live sessions from the registry, and closing them; in a cluster, also the
// other nodes' sessions and closing them there (through the ClusterDirectory).

#include "management/gatewaycontrol.h"
#include "management/operationtable.h"

#include <QJsonObject>

namespace Postern::Sessions { class WebSocketSession; }

namespace Postern::Management {

class ClusterDirectory;

class SessionOperations
{
public:
    SessionOperations(GatewayControl *gateway, ClusterDirectory *cluster) : m_gateway(gateway), m_cluster(cluster) {}

    void registerOn(OperationTable &table);

    // Everything the registry holds of a session.
    static QJsonObject sessionJson(const Sessions::WebSocketSession &session);

private:
    // A sessions.close request, checked.
    struct CloseRequest
    {
        QList<quint64> ids;
        QString user;
        quint16 code;
        QString reason;
        QJsonObject toParams() const;
    };
    static std::expected<CloseRequest, ManagementError> closeRequest(const Params &params, const Caller &caller);

    void list(const Params &params, Answer answer) const;
    OperationResult get(const Params &params) const;
    // Here, or on the node params.node names.
    void close(const Params &params, const Caller &caller, Answer answer);
    // On this node: what another node asks runs here too.
    OperationResult closeHere(const Params &params, const Caller &caller);

    GatewayControl *m_gateway;
    ClusterDirectory *m_cluster;
};

} // namespace Postern::Management
