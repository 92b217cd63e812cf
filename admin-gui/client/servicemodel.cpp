#include "servicemodel.h"

#include <QBrush>
#include <QColor>
#include <QJsonArray>

namespace Postern::Admin {

ServiceModel::ServiceModel(ManagementClient *client, QObject *parent)
    : JsonTableModel(client, {tr("Service"), tr("Type"), tr("State"), tr("Accepts"), tr("Sessions"), tr("Problems")}, parent)
{
    follow(QStringLiteral("config"));
    connect(client, &ManagementClient::configChanged, this, &ServiceModel::refresh);
    refresh();
}

void ServiceModel::refresh()
{
    if (!client()->isConnected())
        return;
    load(client()->listServices(), [this](const QJsonObject &result) {
        const QString revision = result.value(u"revision").toString();
        if (revision != m_revision) {
            m_revision = revision;
            Q_EMIT revisionChanged(revision);
        }
        return objects(result.value(u"services"));
    });
}

QJsonObject ServiceModel::definition(const QJsonObject &service)
{
    QJsonObject written = service;
    written.remove(QStringLiteral("state"));
    return written;
}

QVariant ServiceModel::cell(const QJsonObject &row, int column, int role) const
{
    const QJsonObject state = row.value(u"state").toObject();
    const bool enabled = row.value(u"enabled").toBool(true);
    const bool running = state.value(u"running").toBool();
    const QStringList problems = state.value(u"problems").toVariant().toStringList();
    if (role == StatusRole)
        return !enabled ? QStringLiteral("disabled") : running ? QStringLiteral("running") : QStringLiteral("problem");
    if (role == Qt::ForegroundRole && column == State)
        return QBrush(!enabled ? QColor(0x70, 0x70, 0x70) : running ? QColor(0x2e, 0x7d, 0x32) : QColor(0xa6, 0x1b, 0x1b));
    if (role == SortRole && column == Sessions)
        return state.value(u"sessions").toDouble();
    if (role == Qt::ToolTipRole && column == State)
        return state.value(u"listening").toVariant().toStringList().join(u'\n');
    if (role != Qt::DisplayRole)
        return {};
    switch (column) {
    case Name: return row.value(u"name").toString();
    case Type: return row.value(u"type").toString();
    case State: return !enabled ? tr("disabled") : running ? tr("running") : tr("not running");
    case Accept: return row.value(u"accept").toVariant().toStringList().join(QStringLiteral(", "));
    case Sessions: return QString::number(qint64(state.value(u"sessions").toDouble()));
    case Problems: return problems.join(QStringLiteral("; "));
    default: return {};
    }
}

} // namespace Postern::Admin
