#include "auth/jwtkey.h"

#include "tls/opensslhandles.h"

#include <QFile>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

namespace Postern::Auth {

namespace {
constexpr qsizetype kMinimumSecret = 32;  // RFC 7518 §3.2: at least the hash's size
constexpr int kMinimumRsaBits = 2048;
constexpr qsizetype kMaximumKeyFile = 64 * 1024;

using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, Tls::OpenSslDeleter<ECDSA_SIG_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Tls::OpenSslDeleter<EVP_MD_CTX_free>>;

// ES256 signatures are r and s as 32 bytes each (RFC 7518 §3.4); OpenSSL verifies DER.
QByteArray es256ToDer(QByteArrayView signature)
{
    if (signature.size() != 64)
        return {};
    EcdsaSigPtr sig(ECDSA_SIG_new());
    BIGNUM *r = BN_bin2bn(reinterpret_cast<const unsigned char *>(signature.data()), 32, nullptr);
    BIGNUM *s = BN_bin2bn(reinterpret_cast<const unsigned char *>(signature.data()) + 32, 32, nullptr);
    if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
        BN_free(r);
        BN_free(s);
        return {};
    }
    const int length = i2d_ECDSA_SIG(sig.get(), nullptr);
    if (length <= 0)
        return {};
    QByteArray der(length, Qt::Uninitialized);
    auto *out = reinterpret_cast<unsigned char *>(der.data());
    i2d_ECDSA_SIG(sig.get(), &out);
    return der;
}
} // namespace

std::optional<JwtKey::Algorithm> JwtKey::algorithmFromName(QStringView name)
{
    if (name == u"HS256")
        return Algorithm::HS256;
    if (name == u"RS256")
        return Algorithm::RS256;
    if (name == u"ES256")
        return Algorithm::ES256;
    return std::nullopt;
}

QString JwtKey::algorithmName(Algorithm algorithm)
{
    switch (algorithm) {
    case Algorithm::HS256: return QStringLiteral("HS256");
    case Algorithm::RS256: return QStringLiteral("RS256");
    case Algorithm::ES256: return QStringLiteral("ES256");
    }
    return {};
}

std::expected<JwtKey, QString> JwtKey::fromSecret(const QByteArray &secret)
{
    if (secret.size() < kMinimumSecret)
        return std::unexpected(QStringLiteral("an HS256 secret must be at least %1 bytes (it has %2)")
                                   .arg(kMinimumSecret).arg(secret.size()));
    JwtKey key;
    key.m_algorithm = Algorithm::HS256;
    key.m_secret = secret;
    return key;
}

std::expected<JwtKey, QString> JwtKey::fromFile(Algorithm algorithm, const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::unexpected(QStringLiteral("cannot read key file '%1': %2").arg(path, file.errorString()));
    QByteArray data = file.read(kMaximumKeyFile + 1);
    if (data.size() > kMaximumKeyFile)
        return std::unexpected(QStringLiteral("key file '%1' is larger than %2 bytes").arg(path).arg(kMaximumKeyFile));
    if (algorithm == Algorithm::HS256) {
        if (data.endsWith('\n'))
            data.chop(1);
        if (data.endsWith('\r'))
            data.chop(1);
        auto key = fromSecret(data);
        data.fill('\0');
        if (!key)
            return std::unexpected(QStringLiteral("key file '%1': %2").arg(path, key.error()));
        return key;
    }
    Tls::BioPtr bio(BIO_new_mem_buf(data.constData(), int(data.size())));
    Tls::EvpPkeyPtr publicKey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    if (!publicKey) {
        ERR_clear_error();
        bio.reset(BIO_new_mem_buf(data.constData(), int(data.size())));
        Tls::X509Ptr certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        if (certificate)
            publicKey.reset(X509_get_pubkey(certificate.get()));
    }
    if (!publicKey) {
        ERR_clear_error();
        return std::unexpected(QStringLiteral("key file '%1' holds no PEM public key or certificate").arg(path));
    }
    return fromPublicKey(algorithm, Tls::shareKey(std::move(publicKey)), QStringLiteral("key file '%1'").arg(path));
}

std::expected<JwtKey, QString> JwtKey::fromCertificate(Algorithm algorithm, const QSslCertificate &certificate)
{
    const QByteArray der = certificate.toDer();
    const auto *bytes = reinterpret_cast<const unsigned char *>(der.constData());
    Tls::X509Ptr x509(d2i_X509(nullptr, &bytes, long(der.size())));
    Tls::EvpPkeyPtr publicKey(x509 ? X509_get_pubkey(x509.get()) : nullptr);
    if (!publicKey) {
        ERR_clear_error();
        return std::unexpected(QStringLiteral("the certificate has no usable public key"));
    }
    return fromPublicKey(algorithm, Tls::shareKey(std::move(publicKey)),
                         QStringLiteral("the certificate of '%1'").arg(certificate.subjectDisplayName()));
}

std::expected<JwtKey, QString> JwtKey::fromPublicKey(Algorithm algorithm, std::shared_ptr<EVP_PKEY> publicKey,
                                                     const QString &what)
{
    switch (algorithm) {
    case Algorithm::HS256:
        return std::unexpected(QStringLiteral("HS256 needs a shared secret in a key file, not a public key"));
    case Algorithm::RS256:
        if (EVP_PKEY_get_base_id(publicKey.get()) != EVP_PKEY_RSA)
            return std::unexpected(QStringLiteral("%1 is not an RSA key, which RS256 needs").arg(what));
        if (EVP_PKEY_get_bits(publicKey.get()) < kMinimumRsaBits)
            return std::unexpected(QStringLiteral("%1 is a %2-bit RSA key; RS256 needs at least %3 bits")
                                       .arg(what).arg(EVP_PKEY_get_bits(publicKey.get())).arg(kMinimumRsaBits));
        break;
    case Algorithm::ES256: {
        char group[64] = {};
        if (EVP_PKEY_get_base_id(publicKey.get()) != EVP_PKEY_EC
            || EVP_PKEY_get_group_name(publicKey.get(), group, sizeof group, nullptr) != 1
            || qstrcmp(group, "prime256v1") != 0) {
            ERR_clear_error();
            return std::unexpected(QStringLiteral("%1 is not a P-256 EC key, which ES256 needs").arg(what));
        }
        break;
    }
    }
    JwtKey key;
    key.m_algorithm = algorithm;
    key.m_publicKey = std::move(publicKey);
    return key;
}

QByteArray JwtKey::sign(QByteArrayView signingInput) const
{
    Q_ASSERT(m_algorithm == Algorithm::HS256);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int macLength = 0;
    if (m_algorithm != Algorithm::HS256
        || !HMAC(EVP_sha256(), m_secret.constData(), int(m_secret.size()),
                 reinterpret_cast<const unsigned char *>(signingInput.data()), size_t(signingInput.size()), mac, &macLength))
        return {};
    return QByteArray(reinterpret_cast<const char *>(mac), int(macLength));
}

bool JwtKey::verify(QByteArrayView signingInput, QByteArrayView signature) const
{
    if (m_algorithm == Algorithm::HS256) {
        const QByteArray mac = sign(signingInput);
        return !mac.isEmpty() && signature.size() == mac.size()
            && CRYPTO_memcmp(mac.constData(), signature.data(), size_t(mac.size())) == 0;
    }
    const QByteArray der = m_algorithm == Algorithm::ES256 ? es256ToDer(signature) : QByteArray();
    const QByteArrayView toVerify = m_algorithm == Algorithm::ES256 ? QByteArrayView(der) : signature;
    if (toVerify.isEmpty())
        return false;
    MdCtxPtr context(EVP_MD_CTX_new());
    const bool ok = context
        && EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, m_publicKey.get()) == 1
        && EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char *>(toVerify.data()), size_t(toVerify.size()),
                            reinterpret_cast<const unsigned char *>(signingInput.data()), size_t(signingInput.size())) == 1;
    ERR_clear_error();
    return ok;
}

} // namespace Postern::Auth
