#pragma once

// A TLS listener's protocol and cipher settings (ssl.protocols, ssl.ciphers), resolved once
// when a configuration is applied, and refused there if unsafe.

#include "config/acceptoptions.h"

#include <QList>
#include <QSslCipher>
#include <QSslConfiguration>
#include <QStringList>

#include <expected>

namespace Postern::Frontdoor {

// The TLS 1.2 suites a listener offers when ssl.ciphers is not set: forward secret (ECDHE) and
// authenticated encryption (AES-GCM, ChaCha20-Poly1305) only, as Mozilla's "intermediate"
// profile. Qt's own default added CBC suites (LUCKY13, flagged by testssl.sh) and PSK suites
// (no certificate; Postern has no pre-shared keys). TLS 1.3 suites are all of this kind.
inline constexpr char kDefaultListenerCiphers[] = "ECDHE+AESGCM:ECDHE+CHACHA20";

struct TlsSettings
{
    QSsl::SslProtocol protocol = QSsl::TlsV1_2OrLater;
    QList<QSslCipher> ciphers; // empty: the defaults
    Config::AcceptOptions::VerifyClient verifyClient = Config::AcceptOptions::VerifyClient::None;

    // From the options' values; an unknown, empty or weak cipher set is an error. Suites that
    // need a pre-shared key or an SRP password are left out: Postern has none to give. An empty
    // `ciphers` keeps Qt's and OpenSSL's defaults (a client toward a back-end).
    static std::expected<TlsSettings, QString> resolve(const QStringList &protocols, const QString &ciphers);
    // A listener's: without ssl.ciphers, kDefaultListenerCiphers.
    static std::expected<TlsSettings, QString> resolve(const Config::AcceptOptions &options);

    void applyTo(QSslConfiguration &configuration) const;
};

} // namespace Postern::Frontdoor
