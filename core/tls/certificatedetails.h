#pragma once

// Everything an administrator asks about one certificate, read with OpenSSL (Qt lacks key
// sizes, curve names, key usage and basic constraints): for listings, warnings and JSON.

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <openssl/x509.h>

namespace Postern::Tls {

struct CertificateDetails
{
    QString subject;          // full DN, RFC 2253 order ("CN=a,O=b")
    QString subjectCommonName;
    QString issuer;
    QString issuerCommonName;
    QStringList subjectAlternativeNames; // "DNS:a.example", "IP:127.0.0.1"
    QString serialNumber;     // hex, upper case, colon-separated
    QDateTime notBefore;
    QDateTime notAfter;
    QString keyType;          // "RSA", "EC", "Ed25519", "Ed448", ...
    int keyBits = 0;
    QString curve;            // "P-256" for EC keys
    QString signatureAlgorithm; // "ecdsa-with-SHA256", "sha256WithRSAEncryption"
    QString sha256Fingerprint;
    QString sha1Fingerprint;
    bool selfSigned = false;
    bool certificateAuthority = false;
    QStringList keyUsage;         // "digitalSignature", "keyCertSign", ...
    QStringList extendedKeyUsage; // "serverAuth", "clientAuth", ...

    static CertificateDetails of(X509 *certificate);

    // Days until notAfter from `now` (negative once expired).
    qint64 daysLeft(const QDateTime &now = QDateTime::currentDateTimeUtc()) const;
    QJsonObject toJson() const;
};

} // namespace Postern::Tls
