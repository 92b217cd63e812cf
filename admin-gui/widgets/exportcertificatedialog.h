#pragma once

// Exports an entry to a file: its certificate (PEM or DER), its chain (PEM), or the entry
// with its private key (PKCS#12, under a password typed twice; the file is made readable by
// its owner only). The gateway allows exports to administrators only.

#include "operationdialog.h"

class QCheckBox;
class QComboBox;
class QLineEdit;

namespace Postern::Admin {

class ExportCertificateDialog final : public OperationDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExportCertificateDialog)

public:
    // `hasPrivateKey`: whether PKCS#12 (with the key) can be offered.
    ExportCertificateDialog(const QString &alias, bool hasPrivateKey, QWidget *parent = nullptr);
    ~ExportCertificateDialog() override;

    // "pem", "der" or "pkcs12".
    QString format() const;
    void setFormat(const QString &format);
    bool chain() const;
    void setChain(bool chain);
    QString password() const;
    QString path() const;
    void setPath(const QString &path);

protected:
    QString validate() const override;
    QString progressText() const override { return tr("Exporting…"); }
    std::expected<void, QString> succeeded(const QJsonObject &result) override;

private:
    void updateFormat();

    QString m_alias;
    QComboBox *m_format;
    QCheckBox *m_chain;
    QLineEdit *m_password;
    QLineEdit *m_repeat;
    QLineEdit *m_path;
};

} // namespace Postern::Admin
