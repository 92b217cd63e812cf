#include "logspage.h"

#include "auditmodel.h"
#include "logmodel.h"
#include "tablesettings.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>

namespace Postern::Admin {

LogsPage::LogsPage(ManagementClient *client, QWidget *parent)
    : Page(client, tr("Logs"), parent),
      m_log(new LogModel(client, this)),
      m_audit(new AuditModel(client, this)),
      m_logProxy(new QSortFilterProxyModel(this)),
      m_auditProxy(new QSortFilterProxyModel(this)),
      m_level(new QComboBox(this)),
      m_search(new QLineEdit(this)),
      m_follow(new QCheckBox(tr("&Follow"), this))
{
    setObjectName(QStringLiteral("logsPage"));
    auto *tabs = new QTabWidget(this);
    body()->addWidget(tabs);

    // The gateway's log.
    auto *logTab = new QWidget(tabs);
    auto *logLayout = new QVBoxLayout(logTab);
    auto *bar = new QHBoxLayout;
    m_level->setObjectName(QStringLiteral("logLevel"));
    m_level->addItems({QStringLiteral("debug"), QStringLiteral("info"), QStringLiteral("warning"), QStringLiteral("error")});
    m_level->setCurrentText(m_log->level());
    m_search->setObjectName(QStringLiteral("logSearch"));
    m_search->setPlaceholderText(tr("Search the messages…"));
    m_search->setClearButtonEnabled(true);
    m_follow->setChecked(true);
    bar->addWidget(new QLabel(tr("Level:"), logTab));
    bar->addWidget(m_level);
    bar->addWidget(m_search, 1);
    bar->addWidget(m_follow);
    logLayout->addLayout(bar);
    m_logProxy->setSourceModel(m_log);
    m_logProxy->setFilterKeyColumn(LogModel::Message);
    m_logProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    QTableView *logTable = makeTable(m_logProxy, QStringLiteral("logTable"));
    logTable->setWordWrap(false);
    logLayout->addWidget(logTable);
    tabs->addTab(logTab, tr("Gateway log"));
    connect(m_level, &QComboBox::currentTextChanged, m_log, &LogModel::setLevel);
    connect(m_search, &QLineEdit::textChanged, m_logProxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_logProxy, &QAbstractItemModel::rowsInserted, logTable, [this, logTable] {
        if (m_follow->isChecked())
            logTable->scrollToBottom();
    });
    connect(m_logProxy, &QAbstractItemModel::modelReset, logTable, [this, logTable] {
        if (m_follow->isChecked())
            logTable->scrollToBottom();
    });

    // The audit trail.
    auto *auditTab = new QWidget(tabs);
    auto *auditLayout = new QVBoxLayout(auditTab);
    auto *auditSearch = new QLineEdit(auditTab);
    auditSearch->setObjectName(QStringLiteral("auditSearch"));
    auditSearch->setPlaceholderText(tr("Filter: user, address, operation, result…"));
    auditSearch->setClearButtonEnabled(true);
    auditLayout->addWidget(auditSearch);
    m_auditProxy->setSourceModel(m_audit);
    m_auditProxy->setFilterKeyColumn(-1);
    m_auditProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    auditLayout->addWidget(makeTable(m_auditProxy, QStringLiteral("auditTable")));
    tabs->addTab(auditTab, tr("Audit trail"));
    connect(auditSearch, &QLineEdit::textChanged, m_auditProxy, &QSortFilterProxyModel::setFilterFixedString);

    track(m_log);
    track(m_audit);
}

QTableView *LogsPage::makeTable(QSortFilterProxyModel *proxy, const QString &name)
{
    auto *table = new QTableView(this);
    table->setObjectName(name);
    table->setModel(proxy);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
    table->horizontalHeader()->setStretchLastSection(true);
    table->setAlternatingRowColors(true);
    TableSettings::remember(table, name);
    return table;
}

} // namespace Postern::Admin
