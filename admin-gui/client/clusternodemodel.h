#pragma once

// The nodes of the cluster the gateway belongs to (cluster.nodes), asked again every 2 s while
// connected: name, up since, last seen, sessions. Empty, with lastError() saying why, when the
// gateway is not in a cluster or cannot reach Redis.

#include "jsontablemodel.h"

#include <QTimer>

namespace Postern::Admin {

class ClusterNodeModel final : public JsonTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClusterNodeModel)

public:
    enum Column { Name, UpSince, LastSeen, Sessions, ColumnCount };

    explicit ClusterNodeModel(ManagementClient *client, QObject *parent = nullptr);

    // The node the console is connected to; empty when not in a cluster.
    QString localNode() const;
    // One line for a person: "gw-1 (this node): 3 sessions · gw-2: 1 session", or why there
    // is no cluster view.
    QString summary() const;

public Q_SLOTS:
    void refresh() override;

protected:
    QVariant cell(const QJsonObject &row, int column, int role) const override;

private:
    QTimer m_poll;
};

} // namespace Postern::Admin
