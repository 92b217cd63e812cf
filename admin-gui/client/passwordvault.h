#pragma once

// Passwords the administrator asked the console to remember, in the OS keyring through
// QtKeychain (Secret Service on Linux desktops, KWallet, macOS Keychain, Windows Credential
// Store). Never in a file of the console's: QtKeychain's plain-text fallback is off, so where
// there is no keyring (a bare server, CI) nothing is remembered and the reason is said.
// Asynchronous: the keyring may ask the user to unlock it.

#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace Postern::Admin {

class PasswordVault final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PasswordVault)

public:
    // The outcome of a keyring job: the password (read), or an error for a person. A read of
    // a password that was never stored is no error: password is then std::nullopt.
    struct Result
    {
        std::optional<QString> password;
        QString error;
        bool ok() const { return error.isEmpty(); }
    };
    using Callback = std::function<void(const Result &)>;

    explicit PasswordVault(QObject *parent = nullptr, QString service = QStringLiteral("postern-admin"));

    void read(const QString &key, Callback callback);
    void write(const QString &key, const QString &password, Callback callback);
    void remove(const QString &key, Callback callback);

private:
    QString m_service;
};

} // namespace Postern::Admin
