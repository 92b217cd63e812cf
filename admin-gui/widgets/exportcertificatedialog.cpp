#include "exportcertificatedialog.h"

#include "certificatefile.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace Postern::Admin {

namespace {

QString suffixOf(const QString &format)
{
    return format == u"pkcs12" ? QStringLiteral(".p12") : format == u"der" ? QStringLiteral(".der") : QStringLiteral(".pem");
}

} // namespace

ExportCertificateDialog::ExportCertificateDialog(const QString &alias, bool hasPrivateKey, QWidget *parent)
    : OperationDialog(tr("Export “%1”").arg(alias), parent),
      m_alias(alias),
      m_format(new QComboBox(this)),
      m_chain(new QCheckBox(tr("Include the &chain (the CA certificates above it)"), this)),
      m_password(new QLineEdit(this)),
      m_repeat(new QLineEdit(this)),
      m_path(new QLineEdit(this))
{
    m_format->setObjectName(QStringLiteral("format"));
    m_chain->setObjectName(QStringLiteral("chain"));
    m_password->setObjectName(QStringLiteral("exportPassword"));
    m_repeat->setObjectName(QStringLiteral("exportPasswordRepeat"));
    m_path->setObjectName(QStringLiteral("exportPath"));
    m_format->addItem(tr("PEM — the certificate as text (nginx, browsers, most tools)"), QStringLiteral("pem"));
    m_format->addItem(tr("DER — the certificate, binary (Windows, Java)"), QStringLiteral("der"));
    if (hasPrivateKey)
        m_format->addItem(tr("PKCS#12 — the certificate with its PRIVATE KEY, under a password"), QStringLiteral("pkcs12"));
    m_password->setEchoMode(QLineEdit::Password);
    m_repeat->setEchoMode(QLineEdit::Password);
    m_path->setText(QDir::home().filePath(alias + suffixOf(QStringLiteral("pem"))));
    auto *browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export to"), m_path->text());
        if (!path.isEmpty())
            m_path->setText(path);
    });
    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);
    form()->addRow(tr("&Format:"), m_format);
    form()->addRow(QString(), m_chain);
    form()->addRow(tr("&Password:"), m_password);
    form()->addRow(tr("&Repeat:"), m_repeat);
    auto *pathLabel = new QLabel(tr("&Save to:"), this);
    pathLabel->setBuddy(m_path);
    form()->addRow(pathLabel, pathRow);
    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportCertificateDialog::updateFormat);
    updateFormat();
}

ExportCertificateDialog::~ExportCertificateDialog()
{
    // What was typed does not outlive the dialog in its fields.
    m_password->clear();
    m_repeat->clear();
}

void ExportCertificateDialog::updateFormat()
{
    const QString chosen = format();
    const bool pkcs12 = chosen == u"pkcs12";
    m_password->setEnabled(pkcs12);
    m_repeat->setEnabled(pkcs12);
    if (!pkcs12) {
        m_password->clear();
        m_repeat->clear();
    }
    // DER holds one certificate.
    m_chain->setEnabled(chosen != u"der");
    if (chosen == u"der")
        m_chain->setChecked(false);
    // The file's extension follows the format, unless another was typed.
    const QFileInfo info(m_path->text());
    for (const QString &suffix : {QStringLiteral("pem"), QStringLiteral("der"), QStringLiteral("p12")})
        if (info.suffix() == suffix) {
            m_path->setText(info.dir().filePath(info.completeBaseName() + suffixOf(chosen)));
            break;
        }
}

QString ExportCertificateDialog::format() const
{
    return m_format->currentData().toString();
}

void ExportCertificateDialog::setFormat(const QString &format)
{
    const int index = m_format->findData(format);
    if (index >= 0)
        m_format->setCurrentIndex(index);
}

bool ExportCertificateDialog::chain() const
{
    return m_chain->isChecked();
}

void ExportCertificateDialog::setChain(bool chain)
{
    m_chain->setChecked(chain);
}

QString ExportCertificateDialog::password() const
{
    return m_password->text();
}

QString ExportCertificateDialog::path() const
{
    return m_path->text().trimmed();
}

void ExportCertificateDialog::setPath(const QString &path)
{
    m_path->setText(path);
}

QString ExportCertificateDialog::validate() const
{
    if (format() == u"pkcs12") {
        if (m_password->text().size() < 8)
            return tr("The PKCS#12 file carries the private key: protect it with a password of at least 8 characters.");
        if (m_password->text() != m_repeat->text())
            return tr("The two passwords differ.");
    }
    if (path().isEmpty())
        return tr("Choose where to save the file.");
    if (!QFileInfo(path()).dir().exists())
        return tr("The folder %1 does not exist.").arg(QFileInfo(path()).dir().path());
    return {};
}

std::expected<void, QString> ExportCertificateDialog::succeeded(const QJsonObject &result)
{
    QByteArray data = QByteArray::fromBase64(result.value(u"data").toString().toLatin1());
    const auto written = CertificateFile::write(path(), data, format() == u"pkcs12");
    data.fill('\0');
    if (!written)
        return written;
    m_password->clear();
    m_repeat->clear();
    return OperationDialog::succeeded(result);
}

} // namespace Postern::Admin
