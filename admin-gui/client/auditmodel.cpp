#include "auditmodel.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QJsonDocument>

namespace Postern::Admin {

AuditModel::AuditModel(ManagementClient *client, QObject *parent)
    : JsonTableModel(client, {tr("Time"), tr("User"), tr("From"), tr("Operation"), tr("Result"), tr("Details")}, parent)
{
    follow(QStringLiteral("audit"));
    connect(client, &ManagementClient::auditEntry, this, [this](const QJsonObject &entry) { appendRow(entry); });
    refresh();
}

void AuditModel::refresh()
{
    if (!client()->isConnected())
        return;
    load(client()->tailAudit(500), [](const QJsonObject &result) { return objects(result.value(u"entries")); });
}

QVariant AuditModel::cell(const QJsonObject &row, int column, int role) const
{
    const QString result = row.value(u"result").toString();
    if (role == Qt::ForegroundRole && column == Result && result != u"ok")
        return QBrush(QColor(0xa6, 0x1b, 0x1b));
    if (role == SortRole && column == Time)
        return row.value(u"time").toString();
    if (role == Qt::ToolTipRole && column == Details)
        return QString::fromUtf8(QJsonDocument(row.value(u"params").toObject()).toJson(QJsonDocument::Indented));
    if (role != Qt::DisplayRole)
        return {};
    switch (column) {
    case Time: return QDateTime::fromString(row.value(u"time").toString(), Qt::ISODateWithMs).toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case User: return row.value(u"user").toString();
    case From: return row.value(u"from").toString();
    case Operation: return row.value(u"op").toString();
    case Result: return result;
    case Details: {
        const QString error = row.value(u"error").toString();
        return error.isEmpty() ? QString::fromUtf8(QJsonDocument(row.value(u"params").toObject()).toJson(QJsonDocument::Compact)) : error;
    }
    default: return {};
    }
}

} // namespace Postern::Admin
