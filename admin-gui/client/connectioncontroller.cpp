#include "connectioncontroller.h"

#include "basicchallengehandler.h"
#include "passwordvault.h"
#include "profilestore.h"
#include "trustpolicy.h"

namespace Postern::Admin {

ConnectionController::ConnectionController(ProfileStore *profiles, PasswordVault *vault, QObject *parent)
    : QObject(parent), m_profiles(profiles), m_vault(vault), m_client(new ManagementClient(this))
{
    connect(m_client, &ManagementClient::connectFailed, this, &ConnectionController::onConnectFailed);
    connect(m_client, &ManagementClient::connected, this, &ConnectionController::onConnected);
    connect(m_client, &ManagementClient::connectionLost, this, [this](quint16 code, const QString &reason, bool again) {
        m_lost = reason.isEmpty() ? tr("the connection was lost (%1)").arg(code) : tr("the gateway closed the connection: %1").arg(reason);
        if (!again)
            wipePassword();
        Q_EMIT statusChanged(statusText());
    });
    connect(m_client, &ManagementClient::stateChanged, this, [this] { Q_EMIT statusChanged(statusText()); });
    connect(m_client, &ManagementClient::reconnectScheduled, this, [this] { Q_EMIT statusChanged(statusText()); });
    connect(m_client, &ManagementClient::accessChanged, this, [this] { Q_EMIT statusChanged(statusText()); });
}

ConnectionController::~ConnectionController()
{
    wipePassword();
}

void ConnectionController::connectTo(const ConnectionProfile &profile, const QString &password)
{
    m_profile = profile;
    wipePassword();
    m_password = password;
    m_rememberPending = profile.rememberPassword;
    m_profiles->save(profile);
    m_profiles->setLastUsed(profile.name);
    start();
}

void ConnectionController::start()
{
    m_failure = Failure::None;
    m_failureMessage.clear();
    m_presented = QSslCertificate();
    m_tlsErrors.clear();
    m_lost.clear();
    m_asked = false;
    Client::ConnectOptions options;
    QList<QByteArray> pins;
    for (const QString &pin : std::as_const(m_profile.pinnedCertificates))
        pins.append(pin.toLatin1());
    for (const QString &pin : m_trustedOnce.value(hostKey(m_profile.url)))
        pins.append(pin.toLatin1());
    if (!pins.isEmpty()) {
        auto pinned = Client::TrustPolicy::pinned(pins);
        if (!pinned) {
            // A damaged pin is no reason to trust less: nothing is sent until it is fixed.
            m_client->close();
            m_failure = Failure::Other;
            m_failureMessage = tr("The certificate pinned for profile '%1' cannot be read (%2). Remove the profile "
                                  "(Forget profile) and connect again to look at the gateway's certificate.")
                                   .arg(m_profile.name, pinned.error());
            wipePassword();
            Q_EMIT failed(m_failure, m_failureMessage);
            Q_EMIT statusChanged(statusText());
            return;
        }
        options.trust = *pinned;
    }
    // Asked once per attempt; a refusal of the password ends it (no second guess).
    options.challengeHandler = std::make_shared<Client::BasicChallengeHandler>(
        [this, guard = QPointer<ConnectionController>(this)](const Client::Challenge &challenge,
                                                               Client::BasicChallengeHandler::CredentialsReply reply) {
            if (!guard || challenge.attempt > 1 || m_password.isEmpty()) {
                reply(std::nullopt);
                return;
            }
            m_asked = true;
            reply(Client::Credentials{m_profile.user, m_password});
        });
    m_client->open(m_profile.url, std::move(options));
    Q_EMIT statusChanged(statusText());
}

void ConnectionController::disconnectFromGateway()
{
    m_client->close();
    wipePassword();
    m_lost.clear();
    Q_EMIT statusChanged(statusText());
}

void ConnectionController::trustOnce()
{
    if (m_presented.isNull())
        return;
    // For this gateway only: another profile's host never inherits it.
    m_trustedOnce[hostKey(m_profile.url)].append(Client::TrustPolicy::displayFingerprint(Client::TrustPolicy::fingerprint(m_presented)));
    start();
}

void ConnectionController::trustAlways()
{
    if (m_presented.isNull())
        return;
    // The certificate shown replaces what was pinned: trusting it always is a decision
    // about this gateway's certificate now.
    m_profile.pinnedCertificates = {Client::TrustPolicy::displayFingerprint(Client::TrustPolicy::fingerprint(m_presented))};
    m_profiles->save(m_profile);
    start();
}

void ConnectionController::onConnected()
{
    m_failure = Failure::None;
    m_failureMessage.clear();
    m_lost.clear();
    if (m_rememberPending && m_vault) {
        m_rememberPending = false;
        m_vault->write(m_profile.vaultKey(), m_password, [this, guard = QPointer<ConnectionController>(this)](const PasswordVault::Result &result) {
            if (guard && !result.ok())
                Q_EMIT statusChanged(statusText() + tr(" — the password was not remembered: %1").arg(result.error));
        });
    }
    Q_EMIT connected();
    Q_EMIT statusChanged(statusText());
}

void ConnectionController::onConnectFailed(const Client::ConnectOutcome &outcome)
{
    m_failure = classify(outcome);
    m_lost.clear(); // the refusal is the news now, not the lost connection before it
    // Kept while the answer may be to try again (trust the certificate; wait): otherwise the
    // dialog asks again.
    if (m_failure != Failure::Unreachable && m_failure != Failure::Throttled && m_failure != Failure::UnknownCertificate
        && m_failure != Failure::ChangedCertificate)
        wipePassword();
    Q_EMIT failed(m_failure, m_failureMessage);
    Q_EMIT statusChanged(statusText());
}

ConnectionController::Failure ConnectionController::classify(const Client::ConnectOutcome &outcome)
{
    using Kind = Client::ConnectOutcome::Kind;
    const QString where = m_profile.url.toDisplayString();
    switch (outcome.kind) {
    case Kind::GaveUp:
        if (!m_asked) { // refused before the password was asked for (ws:// away from loopback, say)
            m_failureMessage = tr("Not connected to %1: %2").arg(where, outcome.message);
            return Failure::Other;
        }
        m_failureMessage = tr("The gateway refused user '%1' with this password.").arg(m_profile.user);
        return Failure::WrongPassword;
    case Kind::Refused:
        if (outcome.status == 401) {
            m_failureMessage = tr("The gateway refused user '%1' with this password.").arg(m_profile.user);
            return Failure::WrongPassword;
        }
        if (outcome.status == 403) {
            m_failureMessage = tr("User '%1' logged in, but may not manage this gateway (403%2). "
                                  "The management service's authorization-constraint names the roles that may.")
                                   .arg(m_profile.user, outcome.detail.isEmpty() ? QString() : QStringLiteral(": ") + outcome.detail);
            return Failure::Forbidden;
        }
        if (outcome.status == 429) {
            m_failureMessage = tr("Too many failed logins from this computer or for this user: the gateway asks to wait%1.")
                                   .arg(outcome.retryAfter > 0 ? tr(" %1 s").arg(outcome.retryAfter) : QString());
            return Failure::Throttled;
        }
        if (outcome.status == 404) {
            m_failureMessage = tr("There is no management service at %1 (404). Check the path of the URL (usually /manage).").arg(where);
            return Failure::NotManagement;
        }
        m_failureMessage = outcome.message;
        return Failure::Other;
    case Kind::TlsFailure:
        m_presented = outcome.peerChain.value(0);
        m_tlsErrors = outcome.tlsErrors;
        if (m_presented.isNull()) {
            m_failureMessage = tr("The secure connection to %1 failed: %2").arg(where, outcome.message);
            return Failure::TlsFailure;
        }
        if (!m_profile.pinnedCertificates.isEmpty()) {
            m_failureMessage = tr("The certificate of %1 has changed since you chose to trust it. "
                                  "This happens when the certificate was renewed or replaced — or when someone is "
                                  "intercepting the connection. Check the new certificate with the gateway's "
                                  "administrator before you trust it.\n\nTrusted: %2\nShown now: %3")
                                   .arg(where, m_profile.pinnedCertificates.join(QStringLiteral(", ")),
                                        Client::TrustPolicy::displayFingerprint(Client::TrustPolicy::fingerprint(m_presented)));
            return Failure::ChangedCertificate;
        }
        m_failureMessage = tr("Nobody this computer trusts vouches for the certificate of %1 (it may be self-signed "
                              "or issued by a private authority). Compare its fingerprint with the one the gateway "
                              "printed (postern-keytool list) before you trust it.")
                               .arg(where);
        return Failure::UnknownCertificate;
    case Kind::Unreachable:
        m_failureMessage = tr("Cannot reach %1: %2").arg(where, outcome.message);
        return Failure::Unreachable;
    case Kind::BadHandshake:
        m_failureMessage = tr("%1 is not a Postern management endpoint: %2").arg(where, outcome.message);
        return Failure::NotManagement;
    case Kind::InvalidUrl:
    case Kind::InvalidRequest:
    case Kind::Aborted:
    case Kind::Connected:
        break;
    }
    m_failureMessage = outcome.message;
    return Failure::Other;
}

QString ConnectionController::describeCertificate(const QSslCertificate &certificate)
{
    const auto join = [](const QStringList &parts) { return parts.join(QStringLiteral(", ")); };
    QStringList names;
    const auto alternatives = certificate.subjectAlternativeNames();
    for (auto it = alternatives.cbegin(); it != alternatives.cend(); ++it)
        names.append(it.value());
    return tr("Subject: %1\nIssuer: %2\nNames: %3\nValid: %4 to %5\nSHA-256: %6")
        .arg(join(certificate.subjectDisplayName().isEmpty() ? certificate.subjectInfo(QSslCertificate::CommonName)
                                                              : QStringList{certificate.subjectDisplayName()}),
             join(certificate.issuerDisplayName().isEmpty() ? certificate.issuerInfo(QSslCertificate::CommonName)
                                                             : QStringList{certificate.issuerDisplayName()}),
             names.isEmpty() ? tr("(none)") : join(names),
             certificate.effectiveDate().toUTC().toString(Qt::ISODate), certificate.expiryDate().toUTC().toString(Qt::ISODate),
             Client::TrustPolicy::displayFingerprint(Client::TrustPolicy::fingerprint(certificate)));
}

QString ConnectionController::statusText() const
{
    const QString where = m_profile.name.isEmpty() ? m_profile.url.toDisplayString() : m_profile.name;
    switch (m_client->state()) {
    case ManagementClient::State::Connected:
        return tr("Connected to %1 as %2%3 — %4")
            .arg(where, m_client->user(), m_client->isReadOnly() ? tr(" (read only)") : QString(), m_client->server());
    case ManagementClient::State::Connecting:
        return tr("Connecting to %1…").arg(where);
    case ManagementClient::State::Reconnecting: {
        const qint64 seconds = m_client->nextAttempt().isValid()
            ? std::max<qint64>(0, (QDateTime::currentDateTimeUtc().msecsTo(m_client->nextAttempt()) + 999) / 1000)
            : 0;
        return seconds > 0 ? tr("%1 — %2; trying again in %3 s").arg(where, m_lost, QString::number(seconds))
                           : tr("%1 — %2; trying again now").arg(where, m_lost);
    }
    case ManagementClient::State::Disconnected:
        break;
    }
    if (!m_lost.isEmpty())
        return tr("Disconnected from %1: %2").arg(where, m_lost);
    if (m_failure != Failure::None)
        return tr("Not connected: %1").arg(m_failureMessage.section(u'\n', 0, 0));
    return tr("Not connected");
}

QString ConnectionController::hostKey(const QUrl &url)
{
    return url.host().toLower() + u':' + QString::number(url.port(url.scheme() == u"wss" ? 443 : 80));
}

void ConnectionController::wipePassword()
{
    m_password.fill(u'\0');
    m_password.clear();
}

} // namespace Postern::Admin
