#include "renamecertificatedialog.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>

namespace Postern::Admin {

RenameCertificateDialog::RenameCertificateDialog(const QString &alias, QWidget *parent)
    : OperationDialog(tr("Rename “%1”").arg(alias), parent), m_alias(alias), m_newAlias(new QLineEdit(alias, this))
{
    m_newAlias->setObjectName(QStringLiteral("newAlias"));
    m_newAlias->selectAll();
    auto *note = new QLabel(tr("For each connection the gateway presents the entry whose alias is the host name asked for, "
                               "else one whose certificate names it: renaming can change which certificate a host gets."),
                            this);
    note->setWordWrap(true);
    form()->addRow(tr("&New alias:"), m_newAlias);
    form()->addRow(note);
}

QString RenameCertificateDialog::newAlias() const
{
    return m_newAlias->text().trimmed();
}

void RenameCertificateDialog::setNewAlias(const QString &alias)
{
    m_newAlias->setText(alias);
}

QString RenameCertificateDialog::validate() const
{
    if (newAlias().isEmpty())
        return tr("Give the entry an alias.");
    if (newAlias() == m_alias)
        return tr("That is its alias already.");
    return {};
}

} // namespace Postern::Admin
