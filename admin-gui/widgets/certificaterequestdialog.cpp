#include "certificaterequestdialog.h"

#include "certificatefile.h"
#include "certificatemodel.h"
#include "keytypebox.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace Postern::Admin {

CertificateRequestDialog::CertificateRequestDialog(const QStringList &keyAliases, const QString &selected, QWidget *parent)
    : OperationDialog(tr("Create a certificate signing request"), parent),
      m_existing(new QRadioButton(tr("For the key of an &entry in the keystore (renewal):"), this)),
      m_new(new QRadioButton(tr("For a &new key:"), this)),
      m_existingAlias(new QComboBox(this)),
      m_alias(new QLineEdit(this)),
      m_commonName(new QLineEdit(this)),
      m_dns(new QLineEdit(this)),
      m_ip(new QLineEdit(this)),
      m_keyType(new KeyTypeBox(this)),
      m_pem(new QPlainTextEdit(this)),
      m_note(new QLabel(this))
{
    m_existing->setObjectName(QStringLiteral("existingKey"));
    m_new->setObjectName(QStringLiteral("newKey"));
    m_existingAlias->setObjectName(QStringLiteral("existingAlias"));
    m_alias->setObjectName(QStringLiteral("alias"));
    m_commonName->setObjectName(QStringLiteral("commonName"));
    m_dns->setObjectName(QStringLiteral("dnsNames"));
    m_ip->setObjectName(QStringLiteral("ipAddresses"));
    m_pem->setObjectName(QStringLiteral("csr"));
    m_existingAlias->addItems(keyAliases);
    if (keyAliases.contains(selected))
        m_existingAlias->setCurrentText(selected);
    m_alias->setPlaceholderText(tr("www.example.com"));
    m_commonName->setPlaceholderText(tr("www.example.com"));
    m_dns->setPlaceholderText(tr("www.example.com, example.com"));
    m_ip->setPlaceholderText(tr("optional"));

    form()->addRow(m_existing);
    form()->addRow(tr("Entry:"), m_existingAlias);
    form()->addRow(m_new);
    form()->addRow(tr("A&lias:"), m_alias);
    form()->addRow(tr("&Key type:"), m_keyType);
    auto *names = new QLabel(tr("The names the certificate is for (for an existing key, leave them empty to repeat those of "
                                "its certificate):"), this);
    names->setWordWrap(true);
    form()->addRow(names);
    form()->addRow(tr("&Common name:"), m_commonName);
    form()->addRow(tr("&DNS names:"), m_dns);
    form()->addRow(tr("&IP addresses:"), m_ip);

    m_pem->setReadOnly(true);
    m_pem->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_pem->setMinimumHeight(200);
    m_pem->hide();
    auto *saveButton = buttons()->addButton(tr("&Save…"), QDialogButtonBox::ActionRole);
    auto *copyButton = buttons()->addButton(tr("&Copy"), QDialogButtonBox::ActionRole);
    saveButton->setObjectName(QStringLiteral("saveCsr"));
    copyButton->setObjectName(QStringLiteral("copyCsr"));
    saveButton->hide();
    copyButton->hide();
    connect(saveButton, &QPushButton::clicked, this, &CertificateRequestDialog::save);
    connect(copyButton, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_csr); });
    // The request is shown in place of the form once it is made, above the buttons.
    auto *box = static_cast<QVBoxLayout *>(layout());
    box->insertWidget(box->count() - 1, m_pem);
    m_note->setObjectName(QStringLiteral("csrNote"));
    m_note->setWordWrap(true);
    m_note->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_note->hide();
    box->insertWidget(box->count() - 1, m_note);

    connect(m_existing, &QRadioButton::toggled, this, &CertificateRequestDialog::updateMode);
    if (keyAliases.isEmpty()) {
        m_existing->setEnabled(false);
        m_new->setChecked(true);
    } else if (keyAliases.contains(selected)) {
        m_existing->setChecked(true);
    } else {
        m_new->setChecked(true);
    }
    connect(m_dns, &QLineEdit::textChanged, this, [this] {
        if (forNewKey() && !m_alias->isModified())
            m_alias->setText(dnsNames().value(0));
    });
    updateMode();
}

void CertificateRequestDialog::updateMode()
{
    const bool newKey = forNewKey();
    m_existingAlias->setEnabled(!newKey);
    m_alias->setEnabled(newKey);
    m_keyType->setEnabled(newKey);
}

bool CertificateRequestDialog::forNewKey() const
{
    return m_new->isChecked();
}

void CertificateRequestDialog::setForNewKey(bool newKey)
{
    (newKey ? m_new : m_existing)->setChecked(true);
}

QString CertificateRequestDialog::alias() const
{
    return forNewKey() ? m_alias->text().trimmed() : m_existingAlias->currentText();
}

QString CertificateRequestDialog::commonName() const
{
    return m_commonName->text().trimmed();
}

QStringList CertificateRequestDialog::dnsNames() const
{
    return CertificateModel::dnsNamesIn(m_dns->text());
}

QStringList CertificateRequestDialog::ipAddresses() const
{
    return CertificateModel::ipAddressesIn(m_ip->text(), m_dns->text());
}

QString CertificateRequestDialog::keyType() const
{
    return forNewKey() ? m_keyType->keyType() : QString();
}

QString CertificateRequestDialog::validate() const
{
    if (alias().isEmpty())
        return forNewKey() ? tr("Give the new key an alias.") : tr("Choose the entry whose key the request is for.");
    if (forNewKey() && commonName().isEmpty() && dnsNames().isEmpty() && ipAddresses().isEmpty())
        return tr("Name what the certificate is for: a common name, a DNS name or an IP address.");
    for (const QString &address : CertificateModel::splitNames(m_ip->text()))
        if (!CertificateModel::isIpAddress(address))
            return tr("“%1” is not an IP address.").arg(address);
    return {};
}

QString CertificateRequestDialog::progressText() const
{
    return forNewKey() ? tr("Making an %1 key and its request…").arg(m_keyType->keyTypeText()) : tr("Making the request…");
}

std::expected<void, QString> CertificateRequestDialog::succeeded(const QJsonObject &result)
{
    m_csr = result.value(u"csr").toString();
    // The form has done its work: what is left is to keep the request.
    findChild<QWidget *>(QStringLiteral("inputs"))->hide();
    m_pem->setPlainText(m_csr);
    m_pem->show();
    okButton()->hide();
    buttons()->button(QDialogButtonBox::Cancel)->setText(tr("Close"));
    for (const char *name : {"saveCsr", "copyCsr"})
        findChild<QPushButton *>(QLatin1String(name))->show();
    setWindowTitle(result.value(u"createdKey").toBool()
                       ? tr("Request for a new key “%1”: send it to your CA").arg(alias())
                       : tr("Request for the key of “%1”: send it to your CA").arg(alias()));
    m_next = result.value(u"createdKey").toBool()
                 ? tr("The new key waits in the keystore as “%1” with a self-signed placeholder. When the CA answers, "
                      "select it and use “Install reply…”.").arg(alias())
                 : tr("When the CA answers, select “%1” and use “Install reply…”.").arg(alias());
    m_note->setText(m_next);
    m_note->show();
    return {};
}

void CertificateRequestDialog::save()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the request"), alias() + QStringLiteral(".csr"),
                                                      tr("Certificate requests (*.csr *.pem);;All files (*)"));
    if (path.isEmpty())
        return;
    if (const auto saved = saveTo(path); !saved) {
        showError(saved.error());
    } else {
        showError({});
        m_note->setText(tr("Saved to %1. %2").arg(path, m_next));
    }
}

std::expected<void, QString> CertificateRequestDialog::saveTo(const QString &path)
{
    return CertificateFile::write(path, m_csr.toLatin1(), false);
}

} // namespace Postern::Admin
