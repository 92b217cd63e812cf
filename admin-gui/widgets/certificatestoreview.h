#pragma once

// One store's tab on the certificates page: its entries in a sortable, filterable table
// whose column layout is remembered, or, when the gateway's configuration names no such
// store or it is empty, a sentence that says so and what to do. It keeps the selected entry
// across reloads and selects an entry a change just made.

#include <QJsonObject>
#include <QWidget>

class QLabel;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;

namespace Postern::Admin {

class CertificateModel;
class ManagementClient;

class CertificateStoreView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CertificateStoreView)

public:
    CertificateStoreView(ManagementClient *client, const QString &store, QWidget *parent = nullptr);

    CertificateModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    // The sentence shown instead of the table; empty while the table shows.
    QString notice() const;

    // The selected entry (empty object when none is).
    QJsonObject selectedEntry() const;
    QString selectedAlias() const;
    // Selects `alias` now, or after the next reload when it is not listed yet.
    void select(const QString &alias);
    void setFilter(const QString &text);

Q_SIGNALS:
    void selectionChanged();

private:
    void updateNotice();

    CertificateModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QStackedWidget *m_stack;
    QTableView *m_table;
    QLabel *m_notice;
    QString m_keep; // the alias to select after a reload
};

} // namespace Postern::Admin
