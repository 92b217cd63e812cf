#include "keyvaluetable.h"

#include <QCompleter>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLineEdit>
#include <QStyle>
#include <QStyledItemDelegate>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace Postern::Admin {

namespace {

// Offers the known names while a name is typed; values are edited plainly.
class NameDelegate final : public QStyledItemDelegate
{
public:
    NameDelegate(const QStringList *names, QObject *parent) : QStyledItemDelegate(parent), m_names(names) {}

    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QWidget *editor = QStyledItemDelegate::createEditor(parent, option, index);
        if (auto *line = qobject_cast<QLineEdit *>(editor); line && index.column() == 0 && !m_names->isEmpty()) {
            auto *completer = new QCompleter(*m_names, line);
            completer->setCaseSensitivity(Qt::CaseInsensitive);
            completer->setFilterMode(Qt::MatchContains);
            line->setCompleter(completer);
        }
        return editor;
    }

private:
    const QStringList *m_names;
};

const QColor kMarked(0xfd, 0xec, 0xea);

} // namespace

KeyValueTable::KeyValueTable(const QString &nameHeader, const QString &valueHeader, QWidget *parent)
    : QWidget(parent), m_table(new QTableWidget(0, 2, this)), m_add(new QToolButton(this)), m_remove(new QToolButton(this))
{
    m_table->setHorizontalHeaderLabels({nameHeader, valueHeader});
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Interactive);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->resizeSection(0, 220);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setItemDelegate(new NameDelegate(&m_suggestions, m_table));
    m_table->installEventFilter(this);
    m_add->setText(QStringLiteral("+"));
    m_add->setToolTip(tr("Add a row"));
    m_add->setObjectName(QStringLiteral("addRow"));
    m_remove->setText(QStringLiteral("−"));
    m_remove->setToolTip(tr("Remove the selected row (Del)"));
    m_remove->setObjectName(QStringLiteral("removeRow"));

    auto *buttons = new QVBoxLayout;
    buttons->addWidget(m_add);
    buttons->addWidget(m_remove);
    buttons->addStretch(1);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);

    connect(m_add, &QToolButton::clicked, this, &KeyValueTable::addRow);
    connect(m_remove, &QToolButton::clicked, this, &KeyValueTable::removeCurrentRow);
    connect(m_table, &QTableWidget::itemChanged, this, [this] {
        if (!m_loading)
            Q_EMIT edited();
    });
}

void KeyValueTable::setPairs(const ServiceDraft::Pairs &pairs)
{
    m_loading = true;
    clearMark();
    m_table->setRowCount(0);
    for (const auto &[name, value] : pairs) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        m_table->setItem(row, 0, new QTableWidgetItem(name));
        m_table->setItem(row, 1, new QTableWidgetItem(value));
    }
    m_loading = false;
}

ServiceDraft::Pairs KeyValueTable::pairs() const
{
    ServiceDraft::Pairs pairs;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const QString name = m_table->item(row, 0) ? m_table->item(row, 0)->text() : QString();
        const QString value = m_table->item(row, 1) ? m_table->item(row, 1)->text() : QString();
        if (!name.trimmed().isEmpty() || !value.trimmed().isEmpty())
            pairs.append({name, value});
    }
    return pairs;
}

void KeyValueTable::setSuggestions(const QStringList &names)
{
    m_suggestions = names;
}

void KeyValueTable::setEditable(bool editable)
{
    m_table->setEditTriggers(editable ? QAbstractItemView::AllEditTriggers : QAbstractItemView::NoEditTriggers);
    m_add->setEnabled(editable);
    m_remove->setEnabled(editable);
}

void KeyValueTable::addRow()
{
    const int row = m_table->rowCount();
    m_loading = true;
    m_table->insertRow(row);
    m_table->setItem(row, 0, new QTableWidgetItem);
    m_table->setItem(row, 1, new QTableWidgetItem);
    m_loading = false;
    m_table->setCurrentCell(row, 0);
    m_table->editItem(m_table->item(row, 0));
}

void KeyValueTable::removeCurrentRow()
{
    const int row = m_table->currentRow();
    if (row < 0)
        return;
    m_table->removeRow(row);
    Q_EMIT edited();
}

void KeyValueTable::mark(const QString &name, int entry, const QString &message)
{
    clearMark();
    m_marked = true;
    int target = -1;
    int filled = 0; // rows holding something before this one: what the gateway's index counts
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const QString key = m_table->item(row, 0) ? m_table->item(row, 0)->text().trimmed() : QString();
        const QString value = m_table->item(row, 1) ? m_table->item(row, 1)->text().trimmed() : QString();
        const bool holds = !key.isEmpty() || !value.isEmpty();
        if (!name.isEmpty() ? key == name : (holds && filled == entry)) {
            target = row;
            break;
        }
        if (holds)
            ++filled;
    }
    m_loading = true;
    if (target >= 0) {
        for (int column = 0; column < 2; ++column) {
            if (!m_table->item(target, column))
                m_table->setItem(target, column, new QTableWidgetItem);
            m_table->item(target, column)->setBackground(kMarked);
            m_table->item(target, column)->setToolTip(message);
        }
        m_table->scrollToItem(m_table->item(target, 1)); // not selected: the selection would hide the mark
    }
    m_loading = false;
    m_table->setProperty("invalid", true);
    m_table->setToolTip(message);
    m_table->style()->unpolish(m_table);
    m_table->style()->polish(m_table);
}

void KeyValueTable::clearMark()
{
    if (!m_marked)
        return;
    m_marked = false;
    const bool loading = m_loading;
    m_loading = true;
    for (int row = 0; row < m_table->rowCount(); ++row)
        for (int column = 0; column < 2; ++column)
            if (QTableWidgetItem *item = m_table->item(row, column)) {
                item->setBackground(QBrush());
                item->setToolTip({});
            }
    m_loading = loading;
    m_table->setProperty("invalid", false);
    m_table->setToolTip({});
    m_table->style()->unpolish(m_table);
    m_table->style()->polish(m_table);
}

bool KeyValueTable::eventFilter(QObject *watched, QEvent *event)
{
    // Del in the table removes a row here, rather than reaching a shortcut of the page. (While
    // a cell is edited, keys go to its editor, not to the table.)
    if (watched == m_table && (event->type() == QEvent::ShortcutOverride || event->type() == QEvent::KeyPress)) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (key->matches(QKeySequence::Delete)) {
            event->accept();
            if (event->type() == QEvent::KeyPress && m_remove->isEnabled())
                removeCurrentRow();
            return event->type() == QEvent::KeyPress;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace Postern::Admin
