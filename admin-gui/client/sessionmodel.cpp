#include "sessionmodel.h"

#include <QDateTime>
#include <QJsonArray>
#include <QLocale>
#include <QMap>

#include <memory>

namespace Postern::Admin {

SessionModel::SessionModel(ManagementClient *client, QObject *parent)
    : JsonTableModel(client,
                     {tr("ID"), tr("Node"), tr("Service"), tr("User"), tr("Client"), tr("Origin"), tr("TLS"), tr("Cipher"), tr("Since"),
                      tr("Duration"), tr("Messages in"), tr("Messages out"), tr("Bytes in"), tr("Bytes out")},
                     parent)
{
    follow(QStringLiteral("sessions"));
    follow(QStringLiteral("counters"));
    connect(client, &ManagementClient::sessionOpened, this, &SessionModel::onOpened);
    connect(client, &ManagementClient::sessionClosed, this, &SessionModel::onClosed);
    connect(client, &ManagementClient::countersReceived, this, &SessionModel::onCounters);
    m_clock.setInterval(1000);
    connect(&m_clock, &QTimer::timeout, this, [this] {
        if (rowCount() > 0)
            Q_EMIT dataChanged(index(0, Duration), index(rowCount() - 1, Duration), {Qt::DisplayRole});
    });
    m_clock.start();
    m_poll.setInterval(2000);
    connect(&m_poll, &QTimer::timeout, this, &SessionModel::refresh);
    refresh();
}

QString SessionModel::sessionNode(int row) const
{
    const QString node = this->row(row).value(u"node").toString();
    return node.isEmpty() ? m_localNode : node;
}

void SessionModel::setScope(Scope scope)
{
    if (scope == m_scope)
        return;
    m_scope = scope;
    ++m_clusterGeneration;
    if (scope == Scope::Cluster)
        m_poll.start();
    else
        m_poll.stop();
    setRows({});
    refresh();
}

void SessionModel::setLocalNode(const QString &node)
{
    if (node == m_localNode)
        return;
    m_localNode = node;
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, Node), index(rowCount() - 1, Node), {Qt::DisplayRole});
}

void SessionModel::refresh()
{
    if (!client()->isConnected())
        return;
    if (m_scope == Scope::Local) {
        load(client()->listSessions(), [](const QJsonObject &result) { return objects(result.value(u"sessions")); });
        return;
    }
    const quint64 generation = m_clusterGeneration;
    client()->listSessions({{QStringLiteral("scope"), QStringLiteral("cluster")}})->onFinished(this, [this, generation](const ManagementReply &answer) {
        if (generation != m_clusterGeneration)
            return;
        if (answer.isError()) {
            setLastError(tr("The cluster's sessions cannot be shown: %1").arg(answer.error().message));
            return;
        }
        setLastError({});
        merge(objects(answer.result().value(u"sessions")));
        Q_EMIT loaded();
    });
}

void SessionModel::merge(const QList<QJsonObject> &sessions)
{
    const auto key = [](const QJsonObject &session) -> QString {
        return session.value(u"node").toString() + u'/' + QString::number(qint64(session.value(u"id").toDouble()));
    };
    QHash<QString, QJsonObject> fresh;
    for (const QJsonObject &session : sessions)
        fresh.insert(key(session), session);
    for (int row = rowCount() - 1; row >= 0; --row) {
        const auto it = fresh.find(key(this->row(row)));
        if (it == fresh.end()) {
            removeRowAt(row);
        } else {
            if (*it != this->row(row))
                replaceRow(row, *it);
            fresh.erase(it);
        }
    }
    for (const QJsonObject &session : sessions)
        if (fresh.remove(key(session)))
            appendRow(session);
}

ManagementReply *SessionModel::close(const QList<quint64> &ids, const QString &reason, const QString &node)
{
    ManagementReply *reply = client()->closeSessions(ids, reason, 1008, node);
    reply->onFinished(this, [this](const ManagementReply &answer) {
        if (answer.isError())
            setLastError(tr("The sessions were not closed: %1").arg(answer.error().message));
    });
    return reply;
}

void SessionModel::closeOnNodes(const QList<SessionKey> &sessions, const QString &reason)
{
    QMap<QString, QList<quint64>> byNode;
    for (const SessionKey &session : sessions)
        byNode[session.node == m_localNode ? QString() : session.node].append(session.id);
    struct Tally
    {
        int waiting = 0, closed = 0, unknown = 0;
        QStringList unreachable;
    };
    auto tally = std::make_shared<Tally>();
    tally->waiting = int(byNode.size());
    for (auto it = byNode.cbegin(); it != byNode.cend(); ++it) {
        const QString node = it.key();
        close(it.value(), reason, node)->onFinished(this, [this, tally, node](const ManagementReply &answer) {
            if (!answer.isError() && !answer.result().value(u"reachable").toBool(true))
                tally->unreachable.append(node);
            tally->closed += int(answer.result().value(u"closed").toArray().size());
            tally->unknown += int(answer.result().value(u"unknown").toArray().size());
            if (--tally->waiting == 0) {
                Q_EMIT closeFinished(tally->closed, tally->unknown, tally->unreachable);
                if (m_scope == Scope::Cluster)
                    refresh(); // the closed ones go now, not at the next poll
            }
        });
    }
}

void SessionModel::onOpened(const QJsonObject &session)
{
    if (m_scope == Scope::Cluster)
        return; // events are this node's alone: the poll brings every node's
    if (find(QStringLiteral("id"), session.value(u"id")) < 0)
        appendRow(session);
}

void SessionModel::onClosed(quint64 id)
{
    if (m_scope == Scope::Cluster)
        return;
    const int row = find(QStringLiteral("id"), double(id));
    if (row >= 0)
        removeRowAt(row);
}

void SessionModel::onCounters(const QJsonObject &counters)
{
    if (m_scope == Scope::Cluster)
        return;
    for (const QJsonValue &value : counters.value(u"sessions").toArray()) {
        const QJsonObject update = value.toObject();
        const int row = find(QStringLiteral("id"), update.value(u"id"));
        if (row < 0)
            continue;
        QJsonObject session = this->row(row);
        for (const char *key : {"messagesIn", "messagesOut", "bytesIn", "bytesOut"})
            session.insert(QLatin1String(key), update.value(QLatin1String(key)));
        replaceRow(row, session);
    }
}

QVariant SessionModel::cell(const QJsonObject &row, int column, int role) const
{
    const QJsonObject tls = row.value(u"tls").toObject();
    const QDateTime started = QDateTime::fromString(row.value(u"startedAt").toString(), Qt::ISODateWithMs);
    if (role == Qt::TextAlignmentRole && (column == Id || column >= MessagesIn))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == SortRole) {
        switch (column) {
        case Id: return row.value(u"id").toDouble();
        case Since:
        case Duration: return started;
        case MessagesIn: return row.value(u"messagesIn").toDouble();
        case MessagesOut: return row.value(u"messagesOut").toDouble();
        case BytesIn: return row.value(u"bytesIn").toDouble();
        case BytesOut: return row.value(u"bytesOut").toDouble();
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        if (column == Client && !row.value(u"backend").toString().isEmpty())
            return tr("Back-end: %1").arg(row.value(u"backend").toString());
        if (column == User && !row.value(u"roles").toArray().isEmpty())
            return tr("Roles: %1").arg(row.value(u"roles").toVariant().toStringList().join(QStringLiteral(", ")));
        if (column == BytesIn || column == BytesOut)
            return QString(QLocale().toString(row.value(column == BytesIn ? u"bytesIn" : u"bytesOut").toDouble(), 'f', 0) + tr(" bytes"));
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (column) {
    case Id: return QString::number(qint64(row.value(u"id").toDouble()));
    case Node: return row.contains(u"node") ? row.value(u"node").toString() : m_localNode;
    case Service: return row.value(u"service").toString();
    case User: return row.value(u"user").toString();
    case Client: return row.value(u"client").toString();
    case Origin: return row.value(u"origin").toString();
    case Tls: return tls.value(u"protocol").toString();
    case Cipher: return tls.value(u"cipher").toString();
    case Since: return started.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case Duration: return started.isValid() ? humanDuration(started.secsTo(QDateTime::currentDateTimeUtc())) : QString();
    case MessagesIn: return QLocale().toString(qint64(row.value(u"messagesIn").toDouble()));
    case MessagesOut: return QLocale().toString(qint64(row.value(u"messagesOut").toDouble()));
    case BytesIn: return humanBytes(row.value(u"bytesIn").toDouble());
    case BytesOut: return humanBytes(row.value(u"bytesOut").toDouble());
    default: return {};
    }
}

QString SessionModel::humanBytes(double bytes)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int unit = 0;
    while (bytes >= 1024 && unit < 4) {
        bytes /= 1024;
        ++unit;
    }
    return unit == 0 ? QStringLiteral("%1 B").arg(qint64(bytes))
                     : QStringLiteral("%1 %2").arg(QLocale().toString(bytes, 'f', bytes < 10 ? 1 : 0), QLatin1String(units[unit]));
}

QString SessionModel::humanDuration(qint64 seconds)
{
    seconds = std::max<qint64>(0, seconds);
    if (seconds < 60)
        return tr("%1 s").arg(seconds);
    if (seconds < 3600)
        return tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    if (seconds < 86400)
        return tr("%1 h %2 min").arg(seconds / 3600).arg(seconds % 3600 / 60);
    return tr("%1 d %2 h").arg(seconds / 86400).arg(seconds % 86400 / 3600);
}

} // namespace Postern::Admin
