#pragma once

// The TLS side of the front door: the loaded keystore, and the server configuration to use
// for a name a client asked for. Immutable once built; a keystore reload builds a new one.

#include "tls/keystore.h"

#include <QHash>
#include <QSslConfiguration>

#include <memory>

namespace Postern::Frontdoor {

class TlsContext final
{
public:
    // `truststore`: the certificates client certificates (and, later, back-ends) must lead to.
    explicit TlsContext(Tls::Keystore keystore, Tls::Keystore truststore = {});

    // The key entry for `serverName` (SNI); without one, the one for `fallbackHost` (the
    // accept URL's host); failing both, the keystore's first key entry; null when the keystore
    // has no key entry.
    const Tls::KeystoreEntry *entryFor(const QString &serverName, const QString &fallbackHost) const;
    // The server configuration of the key entry `alias` (null when there is none).
    QSslConfiguration configurationForAlias(const QString &alias) const { return m_configurations.value(alias); }

    // The certificates a server sends for an entry's chain: the leaf and its intermediates,
    // not the root.
    static QList<QSslCertificate> servedChain(QList<QSslCertificate> chain);

    const Tls::Keystore &keystore() const { return m_keystore; }
    const Tls::Keystore &truststore() const { return m_truststore; }
    const QList<QSslCertificate> &trusted() const { return m_trusted; }

private:
    QSslConfiguration configurationForEntry(const Tls::KeystoreEntry &entry) const;

    Tls::Keystore m_keystore;
    Tls::Keystore m_truststore;
    QList<QSslCertificate> m_trusted;
    QHash<QString, QSslConfiguration> m_configurations; // by alias, built once
};

} // namespace Postern::Frontdoor
