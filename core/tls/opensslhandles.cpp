#include "tls/opensslhandles.h"

#include <openssl/err.h>

namespace Postern::Tls {

X509Ptr upRef(X509 *certificate)
{
    X509_up_ref(certificate);
    return X509Ptr(certificate);
}

EvpPkeyPtr upRef(EVP_PKEY *key)
{
    EVP_PKEY_up_ref(key);
    return EvpPkeyPtr(key);
}

QString takeOpenSslError(const QString &fallback)
{
    unsigned long last = 0;
    while (const unsigned long code = ERR_get_error())
        last = code;
    ERR_clear_error();
    if (last == 0)
        return fallback;
    char buffer[256];
    ERR_error_string_n(last, buffer, sizeof buffer);
    return fallback + QStringLiteral(" (") + QString::fromLatin1(buffer) + u')';
}

} // namespace Postern::Tls
