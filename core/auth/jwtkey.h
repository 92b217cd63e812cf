#pragma once

// The key a token login module checks JSON Web Token signatures with (RFC 7515/7518), fixed
// to one algorithm: HS256 (a shared secret), RS256 (an RSA public key) or ES256 (a P-256
// public key). The algorithm comes from the configuration, never from the token, so a
// token cannot choose "none" or make an RSA public key serve as an HMAC secret.

#include <QByteArray>
#include <QSslCertificate>
#include <QString>

#include <expected>
#include <memory>
#include <optional>

typedef struct evp_pkey_st EVP_PKEY;

namespace Postern::Auth {

class JwtKey
{
public:
    enum class Algorithm { HS256, RS256, ES256 };

    static std::optional<Algorithm> algorithmFromName(QStringView name);
    static QString algorithmName(Algorithm algorithm);

    // HS256: the file holds the secret (one trailing line break ignored), at least 32 bytes
    // (RFC 7518 §3.2). RS256/ES256: a PEM public key or certificate.
    static std::expected<JwtKey, QString> fromFile(Algorithm algorithm, const QString &path);
    // The public key of a certificate (a keystore or truststore entry); RS256/ES256 only.
    static std::expected<JwtKey, QString> fromCertificate(Algorithm algorithm, const QSslCertificate &certificate);
    // HS256 with these secret bytes.
    static std::expected<JwtKey, QString> fromSecret(const QByteArray &secret);

    Algorithm algorithm() const { return m_algorithm; }
    // Whether `signature` (the decoded third part) signs `signingInput` ("header.payload").
    bool verify(QByteArrayView signingInput, QByteArrayView signature) const;
    // The HS256 signature of `signingInput` (the gateway signs only its own session cookies).
    QByteArray sign(QByteArrayView signingInput) const;

private:
    static std::expected<JwtKey, QString> fromPublicKey(Algorithm algorithm, std::shared_ptr<EVP_PKEY> key,
                                                        const QString &what);

    Algorithm m_algorithm = Algorithm::HS256;
    QByteArray m_secret;                  // HS256
    std::shared_ptr<EVP_PKEY> m_publicKey; // RS256, ES256
};

} // namespace Postern::Auth
