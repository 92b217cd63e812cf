#pragma once

// Sessions: the live table (filter by any text, sort by any column), the selected session's
// details, and closing the selected sessions with a reason. In a cluster: a line naming the
// nodes and their session counts, and a choice between this node's sessions and the whole
// cluster's (the Node column says where each is; closing reaches the session's node).

#include "page.h"
#include "sessionmodel.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace Postern::Admin {

class ClusterNodeModel;

class SessionsPage final : public Page
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionsPage)

public:
    explicit SessionsPage(ManagementClient *client, QWidget *parent = nullptr);

    SessionModel *model() const { return m_model; }
    ClusterNodeModel *nodes() const { return m_nodes; }
    // "This node" or "Whole cluster" (enabled in a cluster).
    QComboBox *scopeBox() const { return m_scope; }
    QTableView *table() const { return m_table; }
    // The ids of the selected rows.
    QList<quint64> selectedIds() const;
    // The selected sessions, each with its node.
    QList<SessionModel::SessionKey> selectedSessions() const;
    // Closes the selected sessions with `reason` (the button asks for it first).
    void closeSelected(const QString &reason);
    // Closes these sessions (of the node connected to) with `reason`.
    void closeSessions(const QList<quint64> &ids, const QString &reason);

protected:
    void updateActions() override;

private:
    void askAndClose();
    void showDetails();
    void showNodes();

    SessionModel *m_model;
    ClusterNodeModel *m_nodes;
    QComboBox *m_scope;
    QLabel *m_cluster;
    QSortFilterProxyModel *m_proxy;
    QLineEdit *m_filter;
    QTableView *m_table;
    QPlainTextEdit *m_details;
    QPushButton *m_close;
};

} // namespace Postern::Admin
