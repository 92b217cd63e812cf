#pragma once

// Makes a certificate signing request (CSR) for a certificate authority: for the key of an
// entry already in the keystore (a renewal: the names of its certificate are repeated unless
// others are typed), or for a new key, which then waits in the keystore under its alias with
// a self-signed placeholder until the CA's reply is installed. Once made, the request is
// shown here to be saved to a file or copied.

#include "operationdialog.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QRadioButton;

namespace Postern::Admin {

class KeyTypeBox;

class CertificateRequestDialog final : public OperationDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CertificateRequestDialog)

public:
    // `keyAliases`: the keystore's key entries; `selected` is offered first when it is one.
    CertificateRequestDialog(const QStringList &keyAliases, const QString &selected, QWidget *parent = nullptr);

    bool forNewKey() const;
    void setForNewKey(bool newKey);
    QString alias() const;
    QString commonName() const;
    QStringList dnsNames() const;
    QStringList ipAddresses() const;
    // Empty for an existing key.
    QString keyType() const;

    // The request made (PEM), once it was.
    const QString &csr() const { return m_csr; }
    // Saves it (the Save… button asks where); an error says why it was not saved.
    std::expected<void, QString> saveTo(const QString &path);

protected:
    QString validate() const override;
    QString progressText() const override;
    std::expected<void, QString> succeeded(const QJsonObject &result) override;

private:
    void updateMode();
    void save();

    QRadioButton *m_existing;
    QRadioButton *m_new;
    QComboBox *m_existingAlias;
    QLineEdit *m_alias;
    QLineEdit *m_commonName;
    QLineEdit *m_dns;
    QLineEdit *m_ip;
    KeyTypeBox *m_keyType;
    QPlainTextEdit *m_pem;
    QLabel *m_note;
    QString m_csr;
    QString m_next; // what to do with the request
};

} // namespace Postern::Admin
