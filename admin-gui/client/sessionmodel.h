#pragma once

// The gateway's live sessions: loaded with sessions.list when the console connects, then
// kept current by the events (session.opened, session.closed, counters once a second), so
// the table moves without asking the gateway again. In a cluster it can show every node's
// sessions instead (scope Cluster): those are asked for every 2 s, since events are each
// node's own, and merged into the rows so that a selection stays put. A session is named by
// its node and id together.

#include "jsontablemodel.h"

#include <QTimer>

namespace Postern::Admin {

class SessionModel final : public JsonTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionModel)

public:
    enum Column { Id, Node, Service, User, Client, Origin, Tls, Cipher, Since, Duration, MessagesIn, MessagesOut, BytesIn, BytesOut, ColumnCount };

    explicit SessionModel(ManagementClient *client, QObject *parent = nullptr);

    enum class Scope { Local, Cluster };
    struct SessionKey
    {
        QString node; // empty: the node connected to
        quint64 id = 0;
    };

    quint64 sessionId(int row) const { return quint64(this->row(row).value(u"id").toDouble()); }
    // The node of the session in `row` (the local node's name for local rows, when known).
    QString sessionNode(int row) const;

    Scope scope() const { return m_scope; }
    // Local: this node's sessions (the default); Cluster: every node's. Loads again.
    void setScope(Scope scope);
    // The name of the node connected to (from cluster.nodes), shown in the Node column of
    // local rows; empty when not in a cluster.
    void setLocalNode(const QString &node);
    const QString &localNode() const { return m_localNode; }

    // Closes these sessions of one node (empty: the one connected to) with `reason`;
    // errorChanged() says why when that failed.
    ManagementReply *close(const QList<quint64> &ids, const QString &reason, const QString &node = {});
    // Closes these sessions, each on its node, with `reason` (one request per node);
    // closeFinished() follows once every node has answered, and errorChanged() says why
    // when a request failed.
    void closeOnNodes(const QList<SessionKey> &sessions, const QString &reason);

    // "12 KiB", "3.4 MiB": bytes as a person reads them.
    static QString humanBytes(double bytes);
    // "5 s", "3 min 12 s", "2 h 5 min", "3 d 4 h".
    static QString humanDuration(qint64 seconds);

public Q_SLOTS:
    void refresh() override;

Q_SIGNALS:
    // After closeOnNodes(): how many were closed, how many had ended already, and the nodes
    // that did not answer (their sessions are as they were, as far as the console knows).
    void closeFinished(int closed, int unknown, const QStringList &unreachable);

protected:
    QVariant cell(const QJsonObject &row, int column, int role) const override;

private:
    void onOpened(const QJsonObject &session);
    void onClosed(quint64 id);
    void onCounters(const QJsonObject &counters);
    // Cluster scope: the rows become `sessions`, changed in place where a session stays.
    void merge(const QList<QJsonObject> &sessions);

    QTimer m_clock; // durations move
    QTimer m_poll;  // cluster scope: asked again every 2 s
    Scope m_scope = Scope::Local;
    QString m_localNode;
    quint64 m_clusterGeneration = 0; // an answer for an older scope is dropped
};

} // namespace Postern::Admin
