#include "testjwt.h"

#include <QJsonDocument>

#include <openssl/ecdsa.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

namespace Postern::Testing {

namespace {

QByteArray digestSign(const QByteArray &input, EVP_PKEY *key)
{
    std::unique_ptr<EVP_MD_CTX, Tls::OpenSslDeleter<EVP_MD_CTX_free>> context(EVP_MD_CTX_new());
    size_t length = 0;
    EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key);
    EVP_DigestSign(context.get(), nullptr, &length, reinterpret_cast<const unsigned char *>(input.constData()), size_t(input.size()));
    QByteArray signature(qsizetype(length), '\0');
    EVP_DigestSign(context.get(), reinterpret_cast<unsigned char *>(signature.data()), &length,
                   reinterpret_cast<const unsigned char *>(input.constData()), size_t(input.size()));
    signature.truncate(qsizetype(length));
    return signature;
}

QByteArray header(const char *algorithm)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("alg"), QLatin1String(algorithm)}, {QStringLiteral("typ"), QStringLiteral("JWT")}})
        .toJson(QJsonDocument::Compact);
}

} // namespace

QByteArray TestJwt::base64Url(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray TestJwt::signingInput(const QJsonObject &head, const QJsonObject &claims)
{
    return base64Url(QJsonDocument(head).toJson(QJsonDocument::Compact)) + '.'
        + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
}

QByteArray TestJwt::hs256(const QJsonObject &claims, const QByteArray &secret)
{
    const QByteArray input = base64Url(header("HS256")) + '.' + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), secret.constData(), int(secret.size()), reinterpret_cast<const unsigned char *>(input.constData()),
         size_t(input.size()), mac, &length);
    return input + '.' + base64Url(QByteArray(reinterpret_cast<const char *>(mac), qsizetype(length)));
}

QByteArray TestJwt::rs256(const QJsonObject &claims, EVP_PKEY *key)
{
    const QByteArray input = base64Url(header("RS256")) + '.' + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    return input + '.' + base64Url(digestSign(input, key));
}

QByteArray TestJwt::es256(const QJsonObject &claims, EVP_PKEY *key)
{
    const QByteArray input = base64Url(header("ES256")) + '.' + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    // OpenSSL signs DER; JWS wants r and s as 32 bytes each.
    const QByteArray der = digestSign(input, key);
    const auto *bytes = reinterpret_cast<const unsigned char *>(der.constData());
    std::unique_ptr<ECDSA_SIG, Tls::OpenSslDeleter<ECDSA_SIG_free>> sig(d2i_ECDSA_SIG(nullptr, &bytes, long(der.size())));
    QByteArray raw(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), reinterpret_cast<unsigned char *>(raw.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), reinterpret_cast<unsigned char *>(raw.data()) + 32, 32);
    return input + '.' + base64Url(raw);
}

QByteArray TestJwt::unsigned_(const QJsonObject &claims)
{
    return base64Url(header("none")) + '.' + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact)) + '.';
}

QByteArray TestJwt::publicKeyPem(EVP_PKEY *key)
{
    Tls::BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PUBKEY(bio.get(), key);
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return QByteArray(data, length);
}

} // namespace Postern::Testing
