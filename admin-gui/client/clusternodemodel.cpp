#include "clusternodemodel.h"

#include <QDateTime>
#include <QJsonArray>

namespace Postern::Admin {

ClusterNodeModel::ClusterNodeModel(ManagementClient *client, QObject *parent)
    : JsonTableModel(client, {tr("Node"), tr("Up since"), tr("Last seen"), tr("Sessions")}, parent)
{
    m_poll.setInterval(2000);
    connect(&m_poll, &QTimer::timeout, this, &ClusterNodeModel::refresh);
    m_poll.start();
    refresh();
}

void ClusterNodeModel::refresh()
{
    if (!client()->isConnected())
        return;
    ManagementReply *reply = client()->listClusterNodes();
    // An error leaves the rows of the last answer: clear them, as the nodes are unknown now.
    reply->onFinished(this, [this](const ManagementReply &answer) {
        if (answer.isError() && rowCount() > 0)
            setRows({});
    });
    load(reply, [](const QJsonObject &result) { return objects(result.value(u"nodes")); });
}

QString ClusterNodeModel::localNode() const
{
    const int self = find(QStringLiteral("self"), true);
    return self < 0 ? QString() : row(self).value(u"name").toString();
}

QString ClusterNodeModel::summary() const
{
    if (rowCount() == 0)
        return lastError().isEmpty() ? QString() : tr("Cluster: %1").arg(lastError());
    QStringList nodes;
    for (const QJsonObject &node : rows()) {
        const int sessions = node.value(u"sessions").toInt();
        nodes.append(node.value(u"self").toBool() ? tr("%1 (this node): %n session(s)", nullptr, sessions).arg(node.value(u"name").toString())
                                                  : tr("%1: %n session(s)", nullptr, sessions).arg(node.value(u"name").toString()));
    }
    return tr("Cluster of %n node(s): ", nullptr, rowCount()) + nodes.join(QStringLiteral(" · "));
}

QVariant ClusterNodeModel::cell(const QJsonObject &row, int column, int role) const
{
    const auto time = [&](const char *key) {
        return QDateTime::fromString(row.value(QLatin1String(key)).toString(), Qt::ISODateWithMs);
    };
    if (role == SortRole) {
        switch (column) {
        case UpSince: return time("upSince");
        case LastSeen: return time("lastSeen");
        case Sessions: return row.value(u"sessions").toDouble();
        default: return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (column) {
    case Name: return row.value(u"name").toString();
    case UpSince: return time("upSince").toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case LastSeen: return time("lastSeen").toLocalTime().toString(QStringLiteral("HH:mm:ss"));
    case Sessions: return row.value(u"sessions").toInt();
    default: return {};
    }
}

} // namespace Postern::Admin
