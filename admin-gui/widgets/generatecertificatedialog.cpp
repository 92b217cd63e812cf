#include "generatecertificatedialog.h"

#include "certificatemodel.h"
#include "keytypebox.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSpinBox>

namespace Postern::Admin {

GenerateCertificateDialog::GenerateCertificateDialog(QWidget *parent)
    : OperationDialog(tr("Generate a key and a self-signed certificate"), parent),
      m_alias(new QLineEdit(this)),
      m_commonName(new QLineEdit(this)),
      m_dns(new QLineEdit(this)),
      m_ip(new QLineEdit(this)),
      m_days(new QSpinBox(this)),
      m_keyType(new KeyTypeBox(this)),
      m_replace(new QCheckBox(tr("Replace an entry of the same alias"), this))
{
    m_alias->setObjectName(QStringLiteral("alias"));
    m_commonName->setObjectName(QStringLiteral("commonName"));
    m_dns->setObjectName(QStringLiteral("dnsNames"));
    m_ip->setObjectName(QStringLiteral("ipAddresses"));
    m_days->setObjectName(QStringLiteral("days"));
    m_replace->setObjectName(QStringLiteral("replace"));
    m_commonName->setPlaceholderText(tr("gw.example.com"));
    m_dns->setPlaceholderText(tr("gw.example.com, *.gw.example.com"));
    m_ip->setPlaceholderText(tr("192.0.2.10, ::1"));
    m_alias->setPlaceholderText(tr("the first DNS name, unless you name it"));
    m_days->setRange(1, 3650);
    m_days->setValue(365);
    m_days->setSuffix(tr(" days"));
    form()->addRow(tr("&Common name:"), m_commonName);
    form()->addRow(tr("&DNS names:"), m_dns);
    form()->addRow(tr("&IP addresses:"), m_ip);
    form()->addRow(tr("A&lias:"), m_alias);
    form()->addRow(tr("&Valid for:"), m_days);
    form()->addRow(tr("&Key type:"), m_keyType);
    form()->addRow(QString(), m_replace);

    // The alias follows the names until it is typed: most entries are named after their host.
    connect(m_alias, &QLineEdit::textEdited, this, [this] { m_aliasEdited = !m_alias->text().isEmpty(); });
    const auto follow = [this] {
        if (m_aliasEdited)
            return;
        const QStringList names = dnsNames();
        m_alias->setText(names.isEmpty() ? commonName() : names.first());
    };
    connect(m_commonName, &QLineEdit::textChanged, this, follow);
    connect(m_dns, &QLineEdit::textChanged, this, follow);
    // A common name that is a host name is usually one of the DNS names too.
    connect(m_commonName, &QLineEdit::editingFinished, this, [this] {
        if (m_dns->text().trimmed().isEmpty() && !commonName().contains(u' ') && commonName().contains(u'.'))
            m_dns->setText(commonName());
    });
}

QString GenerateCertificateDialog::alias() const
{
    return m_alias->text().trimmed();
}

QString GenerateCertificateDialog::commonName() const
{
    return m_commonName->text().trimmed();
}

QStringList GenerateCertificateDialog::dnsNames() const
{
    return CertificateModel::dnsNamesIn(m_dns->text());
}

QStringList GenerateCertificateDialog::ipAddresses() const
{
    return CertificateModel::ipAddressesIn(m_ip->text(), m_dns->text());
}

int GenerateCertificateDialog::days() const
{
    return m_days->value();
}

QString GenerateCertificateDialog::keyType() const
{
    return m_keyType->keyType();
}

bool GenerateCertificateDialog::replace() const
{
    return m_replace->isChecked();
}

QString GenerateCertificateDialog::validate() const
{
    static const QRegularExpression hostName(QStringLiteral("^(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\\.?$"));
    if (commonName().isEmpty() && dnsNames().isEmpty() && ipAddresses().isEmpty())
        return tr("Name what the certificate is for: a common name, a DNS name or an IP address.");
    for (const QString &name : dnsNames())
        if (!hostName.match(name).hasMatch())
            return tr("“%1” is not a DNS name (letters, digits and hyphens between dots; “*.” may lead).").arg(name);
    for (const QString &address : CertificateModel::splitNames(m_ip->text()))
        if (!CertificateModel::isIpAddress(address))
            return tr("“%1” is not an IP address.").arg(address);
    if (alias().isEmpty())
        return tr("Give the entry an alias.");
    return {};
}

QString GenerateCertificateDialog::progressText() const
{
    return tr("Making an %1 key and its certificate…").arg(m_keyType->keyTypeText());
}

} // namespace Postern::Admin
