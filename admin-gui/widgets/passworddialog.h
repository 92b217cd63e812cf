#pragma once

// Asks for the password of one file (a PKCS#12 file, an encrypted private key) while it is
// being imported. What was typed is cleared when the dialog goes.

#include <QDialog>

class QLabel;
class QLineEdit;

namespace Postern::Admin {

class PasswordDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PasswordDialog)

public:
    // `purpose` says what the password opens: "the PKCS#12 file server.p12".
    explicit PasswordDialog(const QString &purpose, QWidget *parent = nullptr);
    ~PasswordDialog() override;

    QString purpose() const;
    QByteArray password() const;
    void setPassword(const QString &password);

private:
    QLabel *m_purpose;
    QLineEdit *m_password;
};

} // namespace Postern::Admin
