#include "certificatestoreview.h"

#include "certificatemodel.h"
#include "tablesettings.h"

#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <iterator>
#include <utility>

namespace Postern::Admin {

CertificateStoreView::CertificateStoreView(ManagementClient *client, const QString &store, QWidget *parent)
    : QWidget(parent),
      m_model(new CertificateModel(client, store, this)),
      m_proxy(new QSortFilterProxyModel(this)),
      m_stack(new QStackedWidget(this)),
      m_table(new QTableView(this)),
      m_notice(new QLabel(this))
{
    setObjectName(store + QStringLiteral("View"));
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(JsonTableModel::SortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);

    m_table->setObjectName(store + QStringLiteral("Table"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(CertificateModel::Alias, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideMiddle);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setHighlightSections(false);
    // Widths for a first start; what the administrator sets is remembered over them.
    const int widths[] = {140, 120, 170, 120, 180, 75};
    for (int column = 0; column < int(std::size(widths)); ++column)
        m_table->setColumnWidth(column, widths[column]);
    TableSettings::remember(m_table, QStringLiteral("certificates-") + store);
    // Only key entries are presented by services.
    m_table->setColumnHidden(CertificateModel::UsedBy, !m_model->isKeystore());

    m_notice->setObjectName(store + QStringLiteral("Notice"));
    m_notice->setTextFormat(Qt::PlainText); // "<security><truststore>" is text, not markup
    m_notice->setWordWrap(true);
    m_notice->setAlignment(Qt::AlignCenter);
    m_notice->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_notice->setMargin(24);
    m_stack->addWidget(m_table);
    m_stack->addWidget(m_notice);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);

    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &CertificateStoreView::selectionChanged);
    // A reload replaces every row: the selection is put back by alias.
    connect(m_model, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
        if (m_keep.isEmpty())
            m_keep = selectedAlias();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        updateNotice();
        if (m_model->find(QStringLiteral("alias"), m_keep) >= 0) {
            const QString alias = std::exchange(m_keep, QString());
            select(alias);
        }
        Q_EMIT selectionChanged();
    });
    connect(m_model, &CertificateModel::configuredChanged, this, &CertificateStoreView::updateNotice);
    connect(m_model, &JsonTableModel::loadingChanged, this, &CertificateStoreView::updateNotice);
    updateNotice();
}

void CertificateStoreView::updateNotice()
{
    const bool keystore = m_model->isKeystore();
    QString text;
    if (!m_model->isConfigured()) {
        text = keystore ? tr("This gateway's configuration names no keystore, so it has no certificate to present. Name one "
                             "in <security><keystore> of gateway-config.xml (postern-keytool generate makes one).")
                        : tr("This gateway has no truststore: its configuration names none (<security><truststore> in "
                             "gateway-config.xml). A truststore holds the CA certificates that client certificates must lead "
                             "to; without one the gateway asks no client for a certificate. To add one, make it with "
                             "postern-keytool trust and name it in the configuration; this tab then shows it.");
    } else if (m_model->rowCount() == 0 && !m_model->isLoading() && m_model->lastError().isEmpty()
               && m_model->client()->isConnected()) {
        text = keystore ? tr("The keystore is empty. Import a certificate with its key (Ctrl+I, or drop the files here), "
                             "or generate one (Ctrl+N).")
                        : tr("The truststore is empty. Import CA certificates into it (Ctrl+I, or drop the files here).");
    }
    m_notice->setText(text);
    m_stack->setCurrentWidget(text.isEmpty() ? static_cast<QWidget *>(m_table) : m_notice);
}

QString CertificateStoreView::notice() const
{
    return m_stack->currentWidget() == m_notice ? m_notice->text() : QString();
}

QJsonObject CertificateStoreView::selectedEntry() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    return m_model->row(m_proxy->mapToSource(rows.first()).row());
}

QString CertificateStoreView::selectedAlias() const
{
    return selectedEntry().value(u"alias").toString();
}

void CertificateStoreView::select(const QString &alias)
{
    const int row = m_model->find(QStringLiteral("alias"), alias);
    if (row < 0) {
        m_keep = alias;
        return;
    }
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!index.isValid())
        return; // filtered out
    m_table->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->setCurrentIndex(index);
    m_table->scrollTo(index);
}

void CertificateStoreView::setFilter(const QString &text)
{
    m_proxy->setFilterFixedString(text);
}

} // namespace Postern::Admin
