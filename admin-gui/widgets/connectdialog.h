#pragma once

// "Connect to a gateway": saved profiles (name, management URL, user), the password (or the
// one remembered in the OS keyring), and what went wrong in words, each failure its own:
// a wrong password, no right to manage, an unreachable host, a certificate to look at.
// ConnectionController does the work; this dialog asks and shows.

#include "connectioncontroller.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace Postern::Admin {

class ConnectDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectDialog)

public:
    explicit ConnectDialog(ConnectionController *controller, QWidget *parent = nullptr);

    // For tests and scripts: fill the form.
    void setProfile(const ConnectionProfile &profile);
    void setPassword(const QString &password);
    ConnectionProfile profile() const;
    QString error() const;

public Q_SLOTS:
    void connectNow();
    void reject() override;

private:
    void loadProfile(const QString &name);
    void onFailed(ConnectionController::Failure failure, const QString &message);
    void setBusy(bool busy);
    void showError(const QString &message);
    void forgetProfile();

    ConnectionController *m_controller;
    QComboBox *m_profiles;
    QLineEdit *m_url;
    QLineEdit *m_user;
    QLineEdit *m_password;
    QCheckBox *m_remember;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
    QPushButton *m_forget;
    bool m_waiting = false;    // an attempt this dialog started is under way
    QString m_passwordFrom;    // the keyring entry the password field was filled from
};

} // namespace Postern::Admin
