#include "importcertificatedialog.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>

namespace Postern::Admin {

ImportCertificateDialog::ImportCertificateDialog(const QString &storeName, const QString &fileName, const QString &summary,
                                                 const QString &suggestedAlias, QWidget *parent)
    : OperationDialog(tr("Import into the %1").arg(storeName), parent),
      m_alias(new QLineEdit(suggestedAlias, this)),
      m_replace(new QCheckBox(tr("&Replace an entry of the same alias"), this))
{
    m_alias->setObjectName(QStringLiteral("alias"));
    m_replace->setObjectName(QStringLiteral("replace"));
    auto *file = new QLabel(fileName, this);
    file->setObjectName(QStringLiteral("importFile"));
    file->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *contents = new QLabel(summary, this);
    contents->setObjectName(QStringLiteral("importSummary"));
    contents->setTextFormat(Qt::PlainText);
    contents->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form()->addRow(tr("File:"), file);
    form()->addRow(tr("Holds:"), contents);
    form()->addRow(tr("A&lias:"), m_alias);
    form()->addRow(QString(), m_replace);
    if (storeName == u"truststore") {
        auto *note = new QLabel(tr("Several certificates become entries “alias-1”, “alias-2”, …"), this);
        note->setWordWrap(true);
        form()->addRow(QString(), note);
    }
    m_alias->selectAll();
}

QString ImportCertificateDialog::alias() const
{
    return m_alias->text().trimmed();
}

void ImportCertificateDialog::setAlias(const QString &alias)
{
    m_alias->setText(alias);
}

bool ImportCertificateDialog::replace() const
{
    return m_replace->isChecked();
}

void ImportCertificateDialog::setReplace(bool replace)
{
    m_replace->setChecked(replace);
}

QString ImportCertificateDialog::validate() const
{
    return alias().isEmpty() ? tr("Give the entry an alias.") : QString();
}

} // namespace Postern::Admin
