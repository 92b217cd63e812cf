#include "frontdoor/clientcertificateverifier.h"

#include "tls/opensslhandles.h"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

namespace Postern::Frontdoor::ClientCertificateVerifier {

namespace {

using StorePtr = std::unique_ptr<X509_STORE, Tls::OpenSslDeleter<X509_STORE_free>>;
using StoreContextPtr = std::unique_ptr<X509_STORE_CTX, Tls::OpenSslDeleter<X509_STORE_CTX_free>>;
using X509Stack = std::unique_ptr<STACK_OF(X509), decltype([](STACK_OF(X509) *s) { sk_X509_pop_free(s, X509_free); })>;

Tls::X509Ptr toX509(const QSslCertificate &certificate)
{
    const QByteArray der = certificate.toDer();
    const auto *bytes = reinterpret_cast<const unsigned char *>(der.constData());
    return Tls::X509Ptr(d2i_X509(nullptr, &bytes, long(der.size())));
}

} // namespace

QString verify(const QList<QSslCertificate> &chain, const QList<QSslCertificate> &trusted)
{
    if (chain.isEmpty())
        return QStringLiteral("no certificate");
    StorePtr store(X509_STORE_new());
    X509Stack untrusted(sk_X509_new_null());
    StoreContextPtr context(X509_STORE_CTX_new());
    if (!store || !untrusted || !context)
        return Tls::takeOpenSslError(QStringLiteral("out of memory"));
    for (const QSslCertificate &certificate : trusted)
        if (Tls::X509Ptr x509 = toX509(certificate))
            X509_STORE_add_cert(store.get(), x509.get());
    Tls::X509Ptr leaf = toX509(chain.first());
    if (!leaf)
        return Tls::takeOpenSslError(QStringLiteral("unreadable certificate"));
    for (qsizetype i = 1; i < chain.size(); ++i)
        if (Tls::X509Ptr x509 = toX509(chain[i]))
            sk_X509_push(untrusted.get(), x509.release());
    if (X509_STORE_CTX_init(context.get(), store.get(), leaf.get(), untrusted.get()) != 1
        || X509_STORE_CTX_set_purpose(context.get(), X509_PURPOSE_SSL_CLIENT) != 1)
        return Tls::takeOpenSslError(QStringLiteral("cannot set up verification"));
    const int verified = X509_verify_cert(context.get());
    const int error = X509_STORE_CTX_get_error(context.get());
    ERR_clear_error();
    if (verified == 1)
        return {};
    return QString::fromLatin1(X509_verify_cert_error_string(error));
}

} // namespace Postern::Frontdoor::ClientCertificateVerifier
