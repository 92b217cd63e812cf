#include "connectdialog.h"

#include "certificatetrustdialog.h"
#include "passwordvault.h"
#include "profilestore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

namespace Postern::Admin {

ConnectDialog::ConnectDialog(ConnectionController *controller, QWidget *parent)
    : QDialog(parent),
      m_controller(controller),
      m_profiles(new QComboBox(this)),
      m_url(new QLineEdit(this)),
      m_user(new QLineEdit(this)),
      m_password(new QLineEdit(this)),
      m_remember(new QCheckBox(tr("Remember the password in the system keyring"), this)),
      m_error(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Cancel, this)),
      m_forget(new QPushButton(tr("Forget profile"), this))
{
    setWindowTitle(tr("Connect to a gateway"));
    m_profiles->setEditable(true);
    m_profiles->setObjectName(QStringLiteral("profileName"));
    m_profiles->lineEdit()->setPlaceholderText(tr("A name for this gateway, e.g. production"));
    m_url->setObjectName(QStringLiteral("url"));
    m_url->setPlaceholderText(QStringLiteral("wss://localhost:9443/manage"));
    m_user->setObjectName(QStringLiteral("user"));
    m_password->setObjectName(QStringLiteral("password"));
    m_password->setEchoMode(QLineEdit::Password);
    m_remember->setObjectName(QStringLiteral("remember"));
    m_error->setObjectName(QStringLiteral("error"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("QLabel { color: #a61b1b; }"));
    m_error->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("&Profile:"), m_profiles);
    form->addRow(tr("Management &URL:"), m_url);
    form->addRow(tr("&User:"), m_user);
    form->addRow(tr("Pass&word:"), m_password);
    form->addRow(QString(), m_remember);

    QPushButton *connectButton = m_buttons->addButton(tr("&Connect"), QDialogButtonBox::AcceptRole);
    connectButton->setObjectName(QStringLiteral("connect"));
    connectButton->setDefault(true);
    m_buttons->addButton(m_forget, QDialogButtonBox::ResetRole);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ConnectDialog::connectNow);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_forget, &QPushButton::clicked, this, &ConnectDialog::forgetProfile);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    setMinimumWidth(520);

    for (const ConnectionProfile &profile : controller->profiles()->profiles())
        m_profiles->addItem(profile.name);
    connect(m_profiles, &QComboBox::currentTextChanged, this, &ConnectDialog::loadProfile);
    const QString last = controller->profiles()->lastUsed();
    if (!last.isEmpty() && m_profiles->findText(last) >= 0)
        m_profiles->setCurrentText(last);
    loadProfile(m_profiles->currentText());
    if (m_url->text().isEmpty())
        m_url->setText(QStringLiteral("wss://localhost:9443/manage"));

    // Only the attempts this dialog started are its business (a reconnect of the gateway
    // the window is connected to is not).
    connect(controller, &ConnectionController::failed, this, [this](ConnectionController::Failure failure, const QString &message) {
        if (m_waiting)
            onFailed(failure, message);
    });
    connect(controller, &ConnectionController::connected, this, [this] {
        if (!m_waiting)
            return;
        m_waiting = false;
        setBusy(false);
        accept();
    });
    // A remembered password belongs to the profile it was read for: a change of name, URL or
    // user takes it away, so it never goes to another gateway or as another user.
    const auto forgetFilled = [this] {
        if (!m_passwordFrom.isEmpty()) {
            m_passwordFrom.clear();
            m_password->clear();
        }
    };
    connect(m_url, &QLineEdit::textEdited, this, forgetFilled);
    connect(m_user, &QLineEdit::textEdited, this, forgetFilled);
    connect(m_profiles, &QComboBox::currentTextChanged, this, forgetFilled);
    connect(m_password, &QLineEdit::textEdited, this, [this] { m_passwordFrom.clear(); });
}

void ConnectDialog::loadProfile(const QString &name)
{
    const auto profile = m_controller->profiles()->find(name);
    m_forget->setEnabled(profile.has_value());
    if (!profile)
        return;
    m_url->setText(profile->url.toString());
    m_user->setText(profile->user);
    m_remember->setChecked(profile->rememberPassword);
    m_password->clear();
    if (profile->rememberPassword && m_controller->vault()) {
        m_controller->vault()->read(profile->vaultKey(), [this, guard = QPointer<ConnectDialog>(this), key = profile->vaultKey()](const PasswordVault::Result &result) {
            if (!guard || m_controller->profiles()->find(m_profiles->currentText()).value_or(ConnectionProfile()).vaultKey() != key)
                return;
            if (!result.ok())
                showError(tr("The remembered password could not be read: %1").arg(result.error));
            else if (result.password) {
                m_password->setText(*result.password);
                m_passwordFrom = key;
            }
        });
    }
}

void ConnectDialog::setProfile(const ConnectionProfile &profile)
{
    m_profiles->setCurrentText(profile.name);
    m_url->setText(profile.url.toString());
    m_user->setText(profile.user);
    m_remember->setChecked(profile.rememberPassword);
}

void ConnectDialog::setPassword(const QString &password)
{
    m_password->setText(password);
}

ConnectionProfile ConnectDialog::profile() const
{
    ConnectionProfile profile = m_controller->profiles()->find(m_profiles->currentText().trimmed()).value_or(ConnectionProfile());
    const QUrl url = QUrl::fromUserInput(m_url->text().trimmed());
    if (profile.url.host() != url.host() || profile.url.port() != url.port())
        profile.pinnedCertificates.clear(); // another gateway: what was trusted for the old one does not carry over
    profile.name = m_profiles->currentText().trimmed();
    profile.url = QUrl(m_url->text().trimmed());
    profile.user = m_user->text().trimmed();
    profile.rememberPassword = m_remember->isChecked();
    return profile;
}

QString ConnectDialog::error() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void ConnectDialog::connectNow()
{
    const ConnectionProfile chosen = profile();
    if (const QString problem = chosen.problem(); !problem.isEmpty()) {
        showError(problem);
        return;
    }
    if (m_password->text().isEmpty()) {
        showError(tr("Type the password of user '%1'.").arg(chosen.user));
        m_password->setFocus();
        return;
    }
    if (!chosen.rememberPassword && m_controller->vault())
        m_controller->vault()->remove(chosen.vaultKey(), [](const PasswordVault::Result &) {}); // asked to forget it
    showError({});
    setBusy(true);
    m_waiting = true;
    m_controller->connectTo(chosen, m_password->text());
}

void ConnectDialog::reject()
{
    // Given up: a password kept for a retry (trust the certificate, wait) goes now — unless
    // the console is connected with it, and this dialog was only opened to look.
    if (m_controller->client()->state() != ManagementClient::State::Connected)
        m_controller->disconnectFromGateway();
    m_waiting = false;
    m_password->clear();
    QDialog::reject();
}

void ConnectDialog::onFailed(ConnectionController::Failure failure, const QString &message)
{
    m_waiting = false;
    setBusy(false);
    using Failure = ConnectionController::Failure;
    if (failure == Failure::UnknownCertificate || failure == Failure::ChangedCertificate) {
        CertificateTrustDialog question(m_controller->presentedCertificate(), failure == Failure::ChangedCertificate, message, this);
        const int answer = question.exec();
        if (answer == CertificateTrustDialog::TrustOnce || answer == CertificateTrustDialog::TrustAlways) {
            setBusy(true);
            m_waiting = true;
            if (answer == CertificateTrustDialog::TrustOnce)
                m_controller->trustOnce();
            else
                m_controller->trustAlways();
            return;
        }
        m_controller->disconnectFromGateway(); // wipes the password it kept for the answer
        showError(failure == Failure::ChangedCertificate ? tr("Not connected: the gateway's certificate changed and was not trusted.")
                                                         : tr("Not connected: the gateway's certificate was not trusted."));
        return;
    }
    showError(message);
    if (failure == Failure::WrongPassword) {
        m_password->selectAll();
        m_password->setFocus();
    }
}

void ConnectDialog::setBusy(bool busy)
{
    m_buttons->button(QDialogButtonBox::Cancel)->setText(busy ? tr("Stop") : tr("Cancel"));
    for (QWidget *field : std::initializer_list<QWidget *>{m_profiles, m_url, m_user, m_password, m_remember})
        field->setEnabled(!busy);
    if (busy) {
        disconnect(m_buttons, &QDialogButtonBox::rejected, this, nullptr);
        connect(m_buttons, &QDialogButtonBox::rejected, this, [this] {
            m_waiting = false;
            m_controller->disconnectFromGateway();
            setBusy(false);
            showError(tr("Stopped."));
        });
    } else {
        disconnect(m_buttons, &QDialogButtonBox::rejected, this, nullptr);
        connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    }
}

void ConnectDialog::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void ConnectDialog::forgetProfile()
{
    const auto profile = m_controller->profiles()->find(m_profiles->currentText());
    if (!profile)
        return;
    if (QMessageBox::question(this, tr("Forget profile"),
                              tr("Forget the profile '%1', the certificates trusted for it and its remembered password?").arg(profile->name))
        != QMessageBox::Yes)
        return;
    if (m_controller->vault())
        m_controller->vault()->remove(profile->vaultKey(), [](const PasswordVault::Result &) {});
    m_controller->profiles()->remove(profile->name);
    m_profiles->removeItem(m_profiles->findText(profile->name));
}

} // namespace Postern::Admin
