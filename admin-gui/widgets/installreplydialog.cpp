#include "installreplydialog.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace Postern::Admin {

InstallReplyDialog::InstallReplyDialog(const QStringList &keyAliases, const QString &selected, QWidget *parent)
    : OperationDialog(tr("Install a CA's reply"), parent), m_alias(new QComboBox(this))
{
    m_alias->setObjectName(QStringLiteral("alias"));
    m_alias->addItems(keyAliases);
    if (keyAliases.contains(selected))
        m_alias->setCurrentText(selected);
    auto *intro = new QLabel(tr("The certificate your CA signed for a request made here. It replaces the entry's "
                                "certificate; the key stays."), this);
    intro->setWordWrap(true);
    form()->addRow(intro);
    form()->addRow(tr("&Entry:"), m_alias);
    m_reply = fileRow(tr("CA's &reply:"), QStringLiteral("replyFile"), tr("www.example.com.crt (PEM or DER)"));
    m_issuers = fileRow(tr("CA's &chain:"), QStringLiteral("issuersFile"), tr("optional: the CA's certificates, if the reply lacks them"));
}

QLineEdit *InstallReplyDialog::fileRow(const QString &label, const QString &name, const QString &placeholder)
{
    auto *edit = new QLineEdit(this);
    edit->setObjectName(name);
    edit->setPlaceholderText(placeholder);
    auto *browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this, edit, label] {
        const QString path = QFileDialog::getOpenFileName(this, label.section(u':', 0, 0).remove(u'&'), edit->text(),
                                                          tr("Certificates (*.pem *.crt *.cer *.der);;All files (*)"));
        if (!path.isEmpty())
            edit->setText(path);
    });
    auto *row = new QHBoxLayout;
    row->addWidget(edit, 1);
    row->addWidget(browse);
    auto *rowLabel = new QLabel(label, this);
    rowLabel->setBuddy(edit);
    form()->addRow(rowLabel, row);
    return edit;
}

QString InstallReplyDialog::alias() const
{
    return m_alias->currentText();
}

QString InstallReplyDialog::replyPath() const
{
    return m_reply->text().trimmed();
}

QString InstallReplyDialog::issuersPath() const
{
    return m_issuers->text().trimmed();
}

void InstallReplyDialog::setReplyPath(const QString &path)
{
    m_reply->setText(path);
}

void InstallReplyDialog::setIssuersPath(const QString &path)
{
    m_issuers->setText(path);
}

QString InstallReplyDialog::validate() const
{
    if (alias().isEmpty())
        return tr("The keystore has no key entry for a reply to go to.");
    if (replyPath().isEmpty())
        return tr("Choose the file the CA sent.");
    if (!QFileInfo::exists(replyPath()))
        return tr("%1 does not exist.").arg(replyPath());
    if (!issuersPath().isEmpty() && !QFileInfo::exists(issuersPath()))
        return tr("%1 does not exist.").arg(issuersPath());
    return {};
}

} // namespace Postern::Admin
