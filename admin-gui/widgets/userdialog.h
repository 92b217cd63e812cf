#pragma once

// Asks for what a user change needs: a name (when adding), a password typed twice (when
// adding or setting it), and roles. Checks locally only what needs no server (the two
// passwords match, at least 8 characters); the gateway checks the rest and says why.

#include <QDialog>

class QLabel;
class QLineEdit;

namespace Postern::Admin {

class UserDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UserDialog)

public:
    enum class Mode { Add, SetPassword, SetRoles };

    UserDialog(Mode mode, const QString &name, const QStringList &roles, QWidget *parent = nullptr);
    ~UserDialog() override;

    QString name() const;
    QString password() const;
    QStringList roles() const;

    void accept() override;

private:
    Mode m_mode;
    QLineEdit *m_name;
    QLineEdit *m_password;
    QLineEdit *m_repeat;
    QLineEdit *m_roles;
    QLabel *m_error;
};

} // namespace Postern::Admin
