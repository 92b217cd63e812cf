#pragma once

// A gateway the console knows: a name, the management URL, the user, and the certificates
// the administrator chose to trust for it (SHA-256 fingerprints, as SSH's known_hosts keeps
// host keys). The password is never part of it: it lives in the OS keyring (PasswordVault)
// when the administrator asked for that, and nowhere else.

#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace Postern::Admin {

struct ConnectionProfile
{
    QString name;
    QUrl url;
    QString user;
    QStringList pinnedCertificates; // "AB:CD:…", SHA-256 of the certificate's DER
    bool rememberPassword = false;

    bool isValid() const { return !name.trimmed().isEmpty() && url.isValid() && !url.host().isEmpty(); }
    // Why this profile cannot be used, for a person; empty when it can.
    QString problem() const;
    // The key under which its password is kept in the keyring.
    QString vaultKey() const;

    friend bool operator==(const ConnectionProfile &, const ConnectionProfile &) = default;
};

} // namespace Postern::Admin
