#pragma once

// Asks for a new key pair with a self-signed certificate in the keystore: alias, the names
// it is for (common name, DNS names, IP addresses), validity and key type. Good for a test
// machine or an internal service; browsers warn about it until it is trusted.

#include "operationdialog.h"

class QCheckBox;
class QLineEdit;
class QSpinBox;

namespace Postern::Admin {

class KeyTypeBox;

class GenerateCertificateDialog final : public OperationDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GenerateCertificateDialog)

public:
    explicit GenerateCertificateDialog(QWidget *parent = nullptr);

    QString alias() const;
    QString commonName() const;
    // Names typed in either field that are IP addresses count as IP addresses.
    QStringList dnsNames() const;
    QStringList ipAddresses() const;
    int days() const;
    QString keyType() const;
    bool replace() const;

protected:
    QString validate() const override;
    QString progressText() const override;

private:
    QLineEdit *m_alias;
    QLineEdit *m_commonName;
    QLineEdit *m_dns;
    QLineEdit *m_ip;
    QSpinBox *m_days;
    KeyTypeBox *m_keyType;
    QCheckBox *m_replace;
    bool m_aliasEdited = false;
};

} // namespace Postern::Admin
