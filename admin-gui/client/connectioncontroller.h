#pragma once

// How the console connects to a gateway, without a widget: from a profile and the password
// typed (or remembered), with the trust the profile holds, and what went wrong in terms an
// administrator can act on — a wrong password, no right to manage, a host that does not
// answer, a certificate nobody vouches for (shown, to be trusted once or always), a pinned
// certificate that changed (a hard warning: it may be an attack). The dialogs only ask.
//
// The password is kept in memory while the console is connected, so a lost connection can
// be opened again without asking; it is wiped when the console disconnects or the gateway
// refuses it. It goes to the OS keyring only when the profile says to remember it, and only
// after the gateway accepted it.

#include "connectionprofile.h"
#include "managementclient.h"

#include <QHash>
#include <QObject>
#include <QSslCertificate>
#include <QSslError>

namespace Postern::Admin {

class PasswordVault;
class ProfileStore;

class ConnectionController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionController)

public:
    enum class Failure {
        None,
        WrongPassword,      // 401 after our answer
        Forbidden,          // 403: logged in, but not a manager of this gateway
        Throttled,          // 429: too many failed logins
        NotManagement,      // 404, or a server that is not a management endpoint
        Unreachable,        // no TCP connection, timeout, DNS
        UnknownCertificate, // TLS: nothing vouches for the certificate (self-signed, private CA)
        ChangedCertificate, // TLS: the profile pins other certificates than the one shown
        TlsFailure,         // TLS failed otherwise (protocol, handshake)
        Other,
    };
    Q_ENUM(Failure)

    ConnectionController(ProfileStore *profiles, PasswordVault *vault, QObject *parent = nullptr);
    ~ConnectionController() override;

    ManagementClient *client() const { return m_client; }
    ProfileStore *profiles() const { return m_profiles; }
    PasswordVault *vault() const { return m_vault; }

    // Connects with `profile` (saved as the last one used) and `password`.
    void connectTo(const ConnectionProfile &profile, const QString &password);
    void disconnectFromGateway();
    const ConnectionProfile &profile() const { return m_profile; }

    // After UnknownCertificate or ChangedCertificate: connect again accepting the certificate
    // shown, for this run of the console only, or pinned in the profile from now on.
    void trustOnce();
    void trustAlways();

    Failure failure() const { return m_failure; }
    const QString &failureMessage() const { return m_failureMessage; }
    // The certificate the server showed when TLS failed (its leaf), and what was wrong.
    const QSslCertificate &presentedCertificate() const { return m_presented; }
    const QList<QSslError> &tlsErrors() const { return m_tlsErrors; }

    // A one-line state for a status bar: "Connected to prod (admin) — wss://…",
    // "Connection lost; trying again in 4 s", …
    QString statusText() const;

    // The certificate's details as a person checks them: subject, issuer, validity, SHA-256.
    static QString describeCertificate(const QSslCertificate &certificate);

Q_SIGNALS:
    void connected();
    // A connection attempt failed (failure() and failureMessage() say how).
    void failed(Postern::Admin::ConnectionController::Failure failure, const QString &message);
    void statusChanged(const QString &text);

private:
    void start();
    void onConnectFailed(const Client::ConnectOutcome &outcome);
    void onConnected();
    void wipePassword();
    static QString hostKey(const QUrl &url);
    Failure classify(const Client::ConnectOutcome &outcome);

    ProfileStore *m_profiles;
    PasswordVault *m_vault;
    ManagementClient *m_client;
    ConnectionProfile m_profile;
    QString m_password;
    // Fingerprints trusted for this run of the console, by the host:port they were shown for.
    QHash<QString, QStringList> m_trustedOnce;
    bool m_asked = false; // the gateway asked for the password in this attempt
    Failure m_failure = Failure::None;
    QString m_failureMessage;
    QSslCertificate m_presented;
    QList<QSslError> m_tlsErrors;
    QString m_lost; // why the last working connection ended
    bool m_rememberPending = false;
};

} // namespace Postern::Admin
