#pragma once

// Asks whether to trust a gateway's certificate that nothing vouches for, showing what a
// person needs to decide (subject, issuer, names, validity, SHA-256 fingerprint) — once, or
// always (pinned in the profile). A certificate that changed on a pinned profile is a hard
// warning: the default button is Cancel, and trusting it needs the checkbox that says the
// change was checked.

#include <QDialog>
#include <QSslCertificate>

namespace Postern::Admin {

class CertificateTrustDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CertificateTrustDialog)

public:
    enum Answer { Cancelled = QDialog::Rejected, TrustOnce = 2, TrustAlways = 3 };

    CertificateTrustDialog(const QSslCertificate &certificate, bool changed, const QString &explanation, QWidget *parent = nullptr);
};

} // namespace Postern::Admin
