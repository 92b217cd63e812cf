#include "changepreviewdialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace Postern::Admin {

ChangePreviewDialog::ChangePreviewDialog(const QString &title, const QString &intro, const QStringList &changes, QWidget *parent)
    : QDialog(parent), m_list(new QListWidget(this))
{
    setObjectName(QStringLiteral("changePreview"));
    setWindowTitle(title);
    auto *text = new QLabel(intro, this);
    text->setWordWrap(true);
    m_list->setObjectName(QStringLiteral("changeList"));
    m_list->addItems(changes);
    m_list->setAlternatingRowColors(true);
    m_list->setSelectionMode(QAbstractItemView::NoSelection);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Apply"));
    buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("applyChanges"));
    buttons->button(QDialogButtonBox::Cancel)->setText(tr("&Back to editing"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(text);
    layout->addWidget(m_list, 1);
    layout->addWidget(buttons);
    resize(640, 360);
}

QStringList ChangePreviewDialog::changes() const
{
    QStringList lines;
    for (int i = 0; i < m_list->count(); ++i)
        lines.append(m_list->item(i)->text());
    return lines;
}

} // namespace Postern::Admin
