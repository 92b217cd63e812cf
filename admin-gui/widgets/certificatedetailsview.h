#pragma once

// The details of one certificate entry, as an administrator checks them before trusting or
// replacing it: its health (expiry, findings), who uses it, and for the certificate and each
// one of its chain the subject, names, issuer, validity, key, signature, serial number and
// SHA-256 and SHA-1 fingerprints (which a browser's warning page shows too).

#include <QJsonObject>
#include <QTextBrowser>

namespace Postern::Admin {

class CertificateDetailsView final : public QTextBrowser
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CertificateDetailsView)

public:
    explicit CertificateDetailsView(QWidget *parent = nullptr);

    // An entry of certificates.list; an empty object shows the hint `placeholder`.
    void setEntry(const QJsonObject &entry, bool keystore, int expiringWithinDays = 30);
    void showPlaceholder(const QString &text);
    const QJsonObject &entry() const { return m_entry; }

    // The HTML shown for an entry (for tests and for copying).
    static QString html(const QJsonObject &entry, bool keystore, int expiringWithinDays = 30);

private:
    QJsonObject m_entry;
};

} // namespace Postern::Admin
