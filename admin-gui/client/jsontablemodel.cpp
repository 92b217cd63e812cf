#include "jsontablemodel.h"

#include <QJsonArray>

namespace Postern::Admin {

JsonTableModel::JsonTableModel(ManagementClient *client, QStringList headers, QObject *parent)
    : QAbstractTableModel(parent), m_client(client), m_headers(std::move(headers))
{
    connect(client, &ManagementClient::connected, this, &JsonTableModel::refresh);
}

JsonTableModel::~JsonTableModel()
{
    if (m_client)
        for (const QString &topic : std::as_const(m_topics))
            m_client->unsubscribe(topic);
}

void JsonTableModel::follow(const QString &topic)
{
    m_topics.append(topic);
    m_client->subscribe(topic);
}

int JsonTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int JsonTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_headers.size());
}

QVariant JsonTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 && section < m_headers.size())
        return m_headers.at(section);
    return {};
}

QVariant JsonTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const QJsonObject &row = m_rows.at(index.row());
    if (role == RowRole)
        return row;
    QVariant value = cell(row, index.column(), role);
    if (role == SortRole && !value.isValid())
        return cell(row, index.column(), Qt::DisplayRole);
    return value;
}

int JsonTableModel::find(const QString &key, const QJsonValue &value) const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows.at(i).value(key) == value)
            return i;
    return -1;
}

void JsonTableModel::load(ManagementReply *reply, std::function<QList<QJsonObject>(const QJsonObject &)> extract)
{
    const quint64 generation = ++m_generation;
    if (!m_loading) {
        m_loading = true;
        Q_EMIT loadingChanged(true);
    }
    reply->onFinished(this, [this, generation, extract = std::move(extract)](const ManagementReply &answer) {
        if (generation != m_generation)
            return;
        m_loading = false;
        Q_EMIT loadingChanged(false);
        if (answer.isError()) {
            setLastError(answer.error().message);
            return;
        }
        setLastError({});
        setRows(extract(answer.result()));
        Q_EMIT loaded();
    });
}

void JsonTableModel::setRows(QList<QJsonObject> rows)
{
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

void JsonTableModel::appendRow(const QJsonObject &row)
{
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
    m_rows.append(row);
    endInsertRows();
}

void JsonTableModel::replaceRow(int row, const QJsonObject &value)
{
    m_rows[row] = value;
    Q_EMIT dataChanged(index(row, 0), index(row, columnCount() - 1));
}

void JsonTableModel::removeRowAt(int row)
{
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
}

void JsonTableModel::setLastError(const QString &message)
{
    if (m_lastError == message)
        return;
    m_lastError = message;
    Q_EMIT errorChanged(message);
}

QList<QJsonObject> JsonTableModel::objects(const QJsonValue &array)
{
    QList<QJsonObject> list;
    for (const QJsonValue &value : array.toArray())
        list.append(value.toObject());
    return list;
}

} // namespace Postern::Admin
