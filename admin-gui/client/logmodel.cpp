#include "logmodel.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>

namespace Postern::Admin {

LogModel::LogModel(ManagementClient *client, QObject *parent)
    : JsonTableModel(client, {tr("Time"), tr("Level"), tr("Category"), tr("Message")}, parent)
{
    client->setLogLevel(m_level);
    follow(QStringLiteral("logs"));
    connect(client, &ManagementClient::logLine, this, &LogModel::onLine);
    refresh();
}

void LogModel::setLevel(const QString &level)
{
    if (m_level == level)
        return;
    m_level = level;
    client()->setLogLevel(level);
    refresh();
}

void LogModel::refresh()
{
    if (!client()->isConnected())
        return;
    load(client()->tailLogs(1000, m_level), [this](const QJsonObject &result) {
        QList<QJsonObject> lines = objects(result.value(u"lines"));
        // A restarted gateway counts from the start again: what the tail ends at is the mark.
        m_lastSequence = lines.isEmpty() ? -1 : lines.last().value(u"sequence").toDouble();
        return lines;
    });
}

void LogModel::onLine(const QJsonObject &line)
{
    const double sequence = line.value(u"sequence").toDouble();
    if (sequence <= m_lastSequence)
        return; // already in the tail
    m_lastSequence = sequence;
    if (rowCount() >= kMaximumLines)
        removeRowAt(0);
    appendRow(line);
}

QVariant LogModel::cell(const QJsonObject &row, int column, int role) const
{
    const QString level = row.value(u"level").toString();
    if (role == StatusRole)
        return level;
    if (role == Qt::ForegroundRole) {
        if (level == u"error")
            return QBrush(QColor(0xa6, 0x1b, 0x1b));
        if (level == u"warning")
            return QBrush(QColor(0x9a, 0x5b, 0x00));
        if (level == u"debug")
            return QBrush(QColor(0x70, 0x70, 0x70));
        return {};
    }
    if (role == SortRole && column == Time)
        return row.value(u"sequence").toDouble();
    if (role == Qt::ToolTipRole && column == Message)
        return row.value(u"message").toString();
    if (role != Qt::DisplayRole)
        return {};
    switch (column) {
    case Time: return QDateTime::fromString(row.value(u"time").toString(), Qt::ISODateWithMs).toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
    case Level: return level;
    case Category: return row.value(u"category").toString();
    case Message: return row.value(u"message").toString();
    default: return {};
    }
}

} // namespace Postern::Admin
