#include "frontdoor/tlssettings.h"

#include <QSslSocket>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <memory>

namespace Postern::Frontdoor {

namespace {

// Ciphers no configuration may turn on: no authentication, no or weak encryption, MD5.
bool isWeak(const SSL_CIPHER *cipher)
{
    const QString name = QString::fromLatin1(SSL_CIPHER_get_name(cipher)).toUpper();
    if (SSL_CIPHER_get_bits(cipher, nullptr) < 128)
        return true;
    if (SSL_CIPHER_get_auth_nid(cipher) == NID_auth_null)
        return true;
    for (const char *bad : {"NULL", "RC4", "DES", "MD5", "EXP", "ANON", "ADH", "AECDH"})
        if (name.contains(QLatin1StringView(bad)))
            return true;
    return false;
}

// Key exchanges that need a secret shared beforehand instead of a certificate.
bool needsSharedSecret(const SSL_CIPHER *cipher)
{
    switch (SSL_CIPHER_get_kx_nid(cipher)) {
    case NID_kx_psk:
    case NID_kx_ecdhe_psk:
    case NID_kx_dhe_psk:
    case NID_kx_rsa_psk:
    case NID_kx_srp:
        return true;
    default:
        return SSL_CIPHER_get_auth_nid(cipher) == NID_auth_psk || SSL_CIPHER_get_auth_nid(cipher) == NID_auth_srp;
    }
}

} // namespace

std::expected<TlsSettings, QString> TlsSettings::resolve(const QStringList &protocols, const QString &ciphers)
{
    TlsSettings settings;
    const bool v12 = protocols.contains(QStringLiteral("TLSv1.2"));
    const bool v13 = protocols.contains(QStringLiteral("TLSv1.3"));
    settings.protocol = v12 && v13 ? QSsl::TlsV1_2OrLater : v13 ? QSsl::TlsV1_3OrLater : QSsl::TlsV1_2;
    if (ciphers.isEmpty())
        return settings;

    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
    const QByteArray list = ciphers.toLatin1();
    if (!context || SSL_CTX_set_cipher_list(context.get(), list.constData()) != 1) {
        ERR_clear_error();
        return std::unexpected(QStringLiteral("ssl.ciphers '%1' names no cipher OpenSSL knows").arg(ciphers));
    }
    STACK_OF(SSL_CIPHER) *resolved = SSL_CTX_get_ciphers(context.get());
    for (int i = 0; i < sk_SSL_CIPHER_num(resolved); ++i) {
        const SSL_CIPHER *cipher = sk_SSL_CIPHER_value(resolved, i);
        if (QByteArrayView(SSL_CIPHER_get_version(cipher)) == "TLSv1.3")
            continue; // TLS 1.3 suites are not set by a cipher string; OpenSSL's are all strong
        if (isWeak(cipher)) {
            ERR_clear_error();
            return std::unexpected(QStringLiteral("ssl.ciphers '%1' turns on %2, which is not safe")
                                       .arg(ciphers, QString::fromLatin1(SSL_CIPHER_get_name(cipher))));
        }
        if (needsSharedSecret(cipher))
            continue;
        const QSslCipher qtCipher(QString::fromLatin1(SSL_CIPHER_get_name(cipher)));
        if (!qtCipher.isNull())
            settings.ciphers.append(qtCipher);
    }
    ERR_clear_error();
    if (settings.ciphers.isEmpty() && v12)
        return std::unexpected(QStringLiteral("ssl.ciphers '%1' leaves no TLS 1.2 cipher").arg(ciphers));
    return settings;
}

std::expected<TlsSettings, QString> TlsSettings::resolve(const Config::AcceptOptions &options)
{
    auto settings = resolve(options.sslProtocols, options.sslCiphers.isEmpty() ? QString::fromLatin1(kDefaultListenerCiphers)
                                                                                : options.sslCiphers);
    if (settings)
        settings->verifyClient = options.sslVerifyClient;
    return settings;
}

void TlsSettings::applyTo(QSslConfiguration &configuration) const
{
    configuration.setProtocol(protocol);
    // Ask for a certificate; HttpConnection verifies it against the truststore itself.
    configuration.setPeerVerifyMode(verifyClient == Config::AcceptOptions::VerifyClient::None ? QSslSocket::VerifyNone
                                                                                           : QSslSocket::QueryPeer);
    if (ciphers.isEmpty())
        return;
    // TLS 1.3 suites stay as they are: Qt passes this list to OpenSSL's TLS 1.2 cipher list.
    QList<QSslCipher> all = ciphers;
    for (const QSslCipher &cipher : QSslConfiguration::supportedCiphers())
        if (cipher.protocol() == QSsl::TlsV1_3 && !all.contains(cipher))
            all.append(cipher);
    configuration.setCiphers(all);
}

} // namespace Postern::Frontdoor
