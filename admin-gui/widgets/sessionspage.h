#pragma once

// Sessions: the live table (filter by any text, sort by any column), the selected session's
// details, and closing the selected sessions with a reason.

#include "page.h"

class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace Postern::Admin {

class SessionModel;

class SessionsPage final : public Page
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionsPage)

public:
    explicit SessionsPage(ManagementClient *client, QWidget *parent = nullptr);

    SessionModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    // The ids of the selected rows.
    QList<quint64> selectedIds() const;
    // Closes the selected sessions with `reason` (the button asks for it first).
    void closeSelected(const QString &reason);
    // Closes these sessions with `reason`.
    void closeSessions(const QList<quint64> &ids, const QString &reason);

protected:
    void updateActions() override;

private:
    void askAndClose();
    void showDetails();

    SessionModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QLineEdit *m_filter;
    QTableView *m_table;
    QPlainTextEdit *m_details;
    QPushButton *m_close;
};

} // namespace Postern::Admin
