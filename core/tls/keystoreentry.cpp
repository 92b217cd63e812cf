#include "tls/keystoreentry.h"

#include <QHostAddress>

#include <openssl/pem.h>

namespace Postern::Tls {

KeystoreEntry::KeystoreEntry(QString alias, SharedKey key, QList<SharedCertificate> chain)
    : m_alias(std::move(alias)), m_key(std::move(key)), m_chain(std::move(chain))
{
}

QSslCertificate toQSslCertificate(X509 *certificate)
{
    unsigned char *der = nullptr;
    const int length = i2d_X509(certificate, &der);
    if (length <= 0)
        return QSslCertificate();
    QSslCertificate result(QByteArray(reinterpret_cast<const char *>(der), length), QSsl::Der);
    OPENSSL_free(der);
    return result;
}

QByteArray fingerprintSha256(X509 *certificate)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!certificate || !X509_digest(certificate, EVP_sha256(), digest, &length))
        return {};
    return QByteArray(reinterpret_cast<const char *>(digest), length).toHex(':').toUpper();
}

QSslCertificate KeystoreEntry::certificate() const
{
    return leaf() ? toQSslCertificate(leaf()) : QSslCertificate();
}

QList<QSslCertificate> KeystoreEntry::certificateChain() const
{
    QList<QSslCertificate> result;
    for (const auto &certificate : m_chain)
        result.append(toQSslCertificate(certificate.get()));
    return result;
}

QSslKey KeystoreEntry::privateKey() const
{
    if (!m_key)
        return {};
    const int id = EVP_PKEY_get_base_id(m_key.get());
    if (id != EVP_PKEY_RSA && id != EVP_PKEY_EC) {
        // Qt has no algorithm for other key types (Ed25519): hand it the native key.
        EVP_PKEY_up_ref(m_key.get());
        return QSslKey(Qt::HANDLE(m_key.get()), QSsl::PrivateKey);
    }
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || !PEM_write_bio_PrivateKey(bio.get(), m_key.get(), nullptr, nullptr, 0, nullptr, nullptr)) {
        takeOpenSslError({});
        return {};
    }
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    QByteArray pem(data, length);
    QSslKey key(pem, id == EVP_PKEY_RSA ? QSsl::Rsa : QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
    pem.fill('\0'); // the PEM held the key in clear
    OPENSSL_cleanse(data, size_t(length));
    return key;
}

bool KeystoreEntry::covers(const QString &host) const
{
    if (!leaf() || !m_key || host.isEmpty())
        return false;
    const QByteArray name = host.toUtf8();
    if (!QHostAddress(host).isNull())
        return X509_check_ip_asc(leaf(), name.constData(), 0) == 1;
    return X509_check_host(leaf(), name.constData(), size_t(name.size()), 0, nullptr) == 1;
}

QByteArray KeystoreEntry::sha256Fingerprint() const
{
    return fingerprintSha256(leaf());
}

} // namespace Postern::Tls
