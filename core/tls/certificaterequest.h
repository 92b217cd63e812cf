#pragma once

// What a certificate to be made should say.

#include <QDateTime>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>

namespace Postern::Tls {

struct CertificateRequest
{
    QString commonName;
    QString organization;
    QStringList dnsNames;
    QList<QHostAddress> ipAddresses;
    int validityDays = 365;
    // Explicit validity, when set, wins over validityDays (tests make expired certificates).
    QDateTime notBefore;
    QDateTime notAfter;
    bool certificateAuthority = false;
};

} // namespace Postern::Tls
