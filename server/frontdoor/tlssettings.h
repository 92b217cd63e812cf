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

struct TlsSettings
{
    QSsl::SslProtocol protocol = QSsl::TlsV1_2OrLater;
    QList<QSslCipher> ciphers; // empty: the defaults
    Config::AcceptOptions::VerifyClient verifyClient = Config::AcceptOptions::VerifyClient::None;

    // From the accept options' values; an unknown, empty or weak cipher set is an error.
    static std::expected<TlsSettings, QString> resolve(const QStringList &protocols, const QString &ciphers);
    static std::expected<TlsSettings, QString> resolve(const Config::AcceptOptions &options);

    void applyTo(QSslConfiguration &configuration) const;
};

} // namespace Postern::Frontdoor
