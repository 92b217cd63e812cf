#pragma once

// Which server certificates a wss:// connection accepts. Never "any": the choices are the
// system's certificate authorities (the default), certain authorities only (a CA file, such
// as the one that signed the gateway's certificate), or pinned certificates — the SHA-256
// fingerprints of the very certificates accepted, whoever signed them (a self-signed gateway
// certificate the administrator has looked at, as SSH's known_hosts does). With pins, a
// certificate that is not pinned is refused even when an authority vouches for it.

#include <QByteArray>
#include <QList>
#include <QSslCertificate>
#include <QSslError>
#include <QString>

#include <expected>

class QSslConfiguration;

namespace Postern::Client {

class TrustPolicy
{
public:
    enum class Kind { System, Authorities, Pinned };

    static TrustPolicy system() { return TrustPolicy(Kind::System); }
    static TrustPolicy authorities(QList<QSslCertificate> certificates);
    // PEM (one or more certificates) or DER; the error names the file.
    static std::expected<TrustPolicy, QString> authorityFile(const QString &path);
    // `fingerprints`: SHA-256 of the DER certificate, raw (32 bytes) or in hex with or
    // without colons ("AB:CD:…", as postern-keytool and the console show it).
    static std::expected<TrustPolicy, QString> pinned(const QList<QByteArray> &fingerprints);

    Kind kind() const { return m_kind; }
    const QList<QByteArray> &pins() const { return m_pins; } // raw, 32 bytes each

    // The CA certificates a TLS configuration should verify with.
    void apply(QSslConfiguration &configuration) const;
    // Whether a connection may go on with this peer (its chain, leaf first) given the errors
    // TLS verification found: no error for System and Authorities; a pinned leaf, whatever
    // the errors, for Pinned.
    bool accepts(const QList<QSslCertificate> &chain, const QList<QSslError> &errors) const;

    // SHA-256 of the certificate's DER, raw; and as "AB:CD:…".
    static QByteArray fingerprint(const QSslCertificate &certificate);
    static QString displayFingerprint(const QByteArray &fingerprint);

private:
    explicit TrustPolicy(Kind kind) : m_kind(kind) {}

    Kind m_kind;
    QList<QSslCertificate> m_authorities;
    QList<QByteArray> m_pins;
};

} // namespace Postern::Client
