#pragma once

// Logs: the gateway's log as it is written (level filter, search, following the end), and
// the audit trail of changes made through the management API.

#include "page.h"

class QCheckBox;
class QComboBox;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace Postern::Admin {

class AuditModel;
class LogModel;

class LogsPage final : public Page
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogsPage)

public:
    explicit LogsPage(ManagementClient *client, QWidget *parent = nullptr);

    LogModel *logModel() const { return m_log; }
    AuditModel *auditModel() const { return m_audit; }
    QSortFilterProxyModel *logView() const { return m_logProxy; }

private:
    QTableView *makeTable(QSortFilterProxyModel *proxy, const QString &name);

    LogModel *m_log;
    AuditModel *m_audit;
    QSortFilterProxyModel *m_logProxy;
    QSortFilterProxyModel *m_auditProxy;
    QComboBox *m_level;
    QLineEdit *m_search;
    QCheckBox *m_follow;
};

} // namespace Postern::Admin
