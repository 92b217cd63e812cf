#include "sessionspage.h"

#include "sessionmodel.h"
#include "tablesettings.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>

namespace Postern::Admin {

SessionsPage::SessionsPage(ManagementClient *client, QWidget *parent)
    : Page(client, tr("Sessions"), parent),
      m_model(new SessionModel(client, this)),
      m_proxy(new QSortFilterProxyModel(this)),
      m_filter(new QLineEdit(this)),
      m_table(new QTableView(this)),
      m_details(new QPlainTextEdit(this)),
      m_close(new QPushButton(tr("&Close selected…"), this))
{
    setObjectName(QStringLiteral("sessionsPage"));
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(JsonTableModel::SortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setObjectName(QStringLiteral("sessionFilter"));
    m_filter->setPlaceholderText(tr("Filter: service, user, address, origin…"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    m_close->setObjectName(QStringLiteral("closeSessions"));
    m_close->setShortcut(QKeySequence::Delete);
    connect(m_close, &QPushButton::clicked, this, &SessionsPage::askAndClose);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_filter, 1);
    auto *count = new QLabel(this);
    bar->addWidget(count);
    bar->addWidget(m_close);
    body()->addLayout(bar);

    m_table->setObjectName(QStringLiteral("sessionTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(SessionModel::Id, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    TableSettings::remember(m_table, QStringLiteral("sessions"));
    m_details->setObjectName(QStringLiteral("sessionDetails"));
    m_details->setReadOnly(true);
    m_details->setPlaceholderText(tr("Select a session to see everything the gateway knows of it."));
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_details);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    body()->addWidget(splitter);

    const auto updateCount = [this, count] {
        count->setText(tr("%n session(s)", nullptr, m_proxy->rowCount()));
        updateActions();
    };
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, updateCount);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, updateCount);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, updateCount);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        showDetails();
        updateActions();
    });
    // The details follow the counters of the session shown.
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &from, const QModelIndex &to) {
        const QModelIndexList rows = m_table->selectionModel()->selectedRows();
        if (rows.size() == 1 && from.column() == 0) {
            const int row = m_proxy->mapToSource(rows.first()).row();
            if (row >= from.row() && row <= to.row())
                showDetails();
        }
    });
    track(m_model);
    updateCount();
}

QList<quint64> SessionsPage::selectedIds() const
{
    QList<quint64> ids;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        ids.append(m_model->sessionId(m_proxy->mapToSource(index).row()));
    return ids;
}

void SessionsPage::updateActions()
{
    m_close->setEnabled(client()->isConnected() && !client()->isReadOnly() && m_table->selectionModel()->hasSelection());
    m_close->setToolTip(client()->isReadOnly() ? tr("You may read but not change this gateway.") : QString());
}

void SessionsPage::askAndClose()
{
    const QList<quint64> ids = selectedIds();
    if (ids.isEmpty())
        return;
    bool ok = false;
    const QString reason = QInputDialog::getText(this, tr("Close sessions"),
                                                 tr("Close %n session(s). The clients are told this reason:", nullptr, int(ids.size())),
                                                 QLineEdit::Normal, tr("closed by the administrator"), &ok);
    if (ok)
        closeSessions(ids, reason); // those chosen when asked, whatever the table did meanwhile
}

void SessionsPage::closeSelected(const QString &reason)
{
    closeSessions(selectedIds(), reason);
}

void SessionsPage::closeSessions(const QList<quint64> &ids, const QString &reason)
{
    if (ids.isEmpty())
        return;
    m_model->close(ids, reason)->onFinished(this, [this](const ManagementReply &reply) {
        if (reply.isError())
            return; // the model says why
        const int closed = int(reply.result().value(u"closed").toArray().size());
        const int gone = int(reply.result().value(u"unknown").toArray().size());
        showMessage(gone > 0 ? tr("Closed %n session(s); %1 had ended already.", nullptr, closed).arg(gone)
                             : tr("Closed %n session(s).", nullptr, closed),
                    false);
    });
}

void SessionsPage::showDetails()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.size() != 1) {
        m_details->clear();
        return;
    }
    const QJsonObject session = m_model->row(m_proxy->mapToSource(rows.first()).row());
    m_details->setPlainText(QString::fromUtf8(QJsonDocument(session).toJson(QJsonDocument::Indented)));
}

} // namespace Postern::Admin
