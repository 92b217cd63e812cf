#include "sessionspage.h"

#include "clusternodemodel.h"
#include "sessionmodel.h"
#include "tablesettings.h"

#include <QComboBox>
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
      m_nodes(new ClusterNodeModel(client, this)),
      m_scope(new QComboBox(this)),
      m_cluster(new QLabel(this)),
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

    m_scope->setObjectName(QStringLiteral("sessionScope"));
    m_scope->addItem(tr("This node"), int(SessionModel::Scope::Local));
    m_scope->addItem(tr("Whole cluster"), int(SessionModel::Scope::Cluster));
    m_scope->setToolTip(tr("In a cluster: this node's sessions, or every node's"));
    m_scope->setEnabled(false);
    connect(m_scope, &QComboBox::currentIndexChanged, this, [this] {
        m_model->setScope(SessionModel::Scope(m_scope->currentData().toInt()));
    });
    m_cluster->setObjectName(QStringLiteral("clusterNodes"));
    m_cluster->setWordWrap(true);
    m_cluster->hide();
    connect(m_nodes, &JsonTableModel::loaded, this, &SessionsPage::showNodes);
    connect(m_nodes, &JsonTableModel::errorChanged, this, &SessionsPage::showNodes);
    connect(m_model, &SessionModel::closeFinished, this,
            [this](int closed, int gone, const QStringList &unreachable) {
                QString text = gone > 0 ? tr("Closed %n session(s); %1 had ended already.", nullptr, closed).arg(gone)
                                        : tr("Closed %n session(s).", nullptr, closed);
                if (!unreachable.isEmpty())
                    text += u' ' + tr("Node(s) %1 did not answer: their sessions may still be open.")
                                       .arg(unreachable.join(QStringLiteral(", ")));
                showMessage(text, !unreachable.isEmpty());
            });

    body()->addWidget(m_cluster);
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_scope);
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
    // (A new name when the columns change: a saved layout of other columns would not fit.)
    TableSettings::remember(m_table, QStringLiteral("sessions-with-node"));
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

void SessionsPage::showNodes()
{
    const QString local = m_nodes->localNode();
    m_model->setLocalNode(local);
    const bool clustered = !local.isEmpty();
    // A gateway without <cluster> shows no line; one that lost Redis says so.
    const bool notClustered = !clustered && m_nodes->lastError().contains(QStringLiteral("not in a cluster"));
    m_scope->setEnabled(clustered || m_scope->currentIndex() != 0);
    m_cluster->setText(m_nodes->summary());
    m_cluster->setVisible(!notClustered && !m_cluster->text().isEmpty());
}

QList<SessionModel::SessionKey> SessionsPage::selectedSessions() const
{
    QList<SessionModel::SessionKey> sessions;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows()) {
        const int row = m_proxy->mapToSource(index).row();
        sessions.append({m_model->sessionNode(row), m_model->sessionId(row)});
    }
    return sessions;
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
    const QList<SessionModel::SessionKey> sessions = selectedSessions();
    if (sessions.isEmpty())
        return;
    bool ok = false;
    const QString reason = QInputDialog::getText(this, tr("Close sessions"),
                                                 tr("Close %n session(s). The clients are told this reason:", nullptr, int(sessions.size())),
                                                 QLineEdit::Normal, tr("closed by the administrator"), &ok);
    if (ok)
        m_model->closeOnNodes(sessions, reason); // those chosen when asked, whatever the table did meanwhile
}

void SessionsPage::closeSelected(const QString &reason)
{
    const QList<SessionModel::SessionKey> sessions = selectedSessions();
    if (!sessions.isEmpty())
        m_model->closeOnNodes(sessions, reason);
}

void SessionsPage::closeSessions(const QList<quint64> &ids, const QString &reason)
{
    QList<SessionModel::SessionKey> sessions;
    for (const quint64 id : ids)
        sessions.append({QString(), id});
    if (!sessions.isEmpty())
        m_model->closeOnNodes(sessions, reason);
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
