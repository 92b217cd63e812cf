#pragma once

// unique_ptr aliases that free OpenSSL objects with their own free functions, and helpers
// that turn OpenSSL's error queue into a message (and clear it, so a stale error cannot
// surface on an unrelated socket later).

#include <QString>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace Postern::Tls {

template<auto FreeFunction>
struct OpenSslDeleter
{
    template<typename T>
    void operator()(T *p) const { FreeFunction(p); }
};

using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO_free_all>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, OpenSslDeleter<X509_NAME_free>>;
using Pkcs12Ptr = std::unique_ptr<PKCS12, OpenSslDeleter<PKCS12_free>>;
using Pkcs8Ptr = std::unique_ptr<PKCS8_PRIV_KEY_INFO, OpenSslDeleter<PKCS8_PRIV_KEY_INFO_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpenSslDeleter<X509_EXTENSION_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OpenSslDeleter<GENERAL_NAMES_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, OpenSslDeleter<ASN1_INTEGER_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>>;

// Shared ownership of an X509 (X509_up_ref), for chains held by several entries.
X509Ptr upRef(X509 *certificate);
EvpPkeyPtr upRef(EVP_PKEY *key);

// The last OpenSSL error as text (or `fallback`), clearing the queue.
QString takeOpenSslError(const QString &fallback);

} // namespace Postern::Tls

namespace Postern::Tls {

// Shared handles, for values that are copied (keystore entries, chains).
using SharedKey = std::shared_ptr<EVP_PKEY>;
using SharedCertificate = std::shared_ptr<X509>;

inline SharedKey shareKey(EvpPkeyPtr key) { return SharedKey(key.release(), EVP_PKEY_free); }
inline SharedCertificate shareCertificate(X509Ptr certificate)
{
    return SharedCertificate(certificate.release(), X509_free);
}

} // namespace Postern::Tls
