#pragma once

// One entry of a key store: an alias and a certificate chain (leaf first), with the leaf's
// private key for a key entry (what the gateway presents), or without one for a trusted
// certificate entry (what a truststore holds).

#include "tls/opensslhandles.h"

#include <QByteArray>
#include <QList>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>

namespace Postern::Tls {

class KeystoreEntry
{
public:
    KeystoreEntry() = default;
    KeystoreEntry(QString alias, SharedKey key, QList<SharedCertificate> chain);

    const QString &alias() const { return m_alias; }
    void setAlias(const QString &alias) { m_alias = alias; }
    EVP_PKEY *key() const { return m_key.get(); }
    const SharedKey &sharedKey() const { return m_key; }
    bool hasPrivateKey() const { return bool(m_key); }
    X509 *leaf() const { return m_chain.isEmpty() ? nullptr : m_chain.first().get(); }
    const QList<SharedCertificate> &chain() const { return m_chain; }

    // Qt views, for QSslConfiguration.
    QSslCertificate certificate() const;
    QList<QSslCertificate> certificateChain() const;
    QSslKey privateKey() const;

    // Whether the leaf certificate is valid for `host` (a DNS name, with wildcards, or an IP).
    bool covers(const QString &host) const;
    QByteArray sha256Fingerprint() const; // "AB:CD:..."

private:
    QString m_alias;
    SharedKey m_key;
    QList<SharedCertificate> m_chain;
};

QSslCertificate toQSslCertificate(X509 *certificate);
QByteArray fingerprintSha256(X509 *certificate);

} // namespace Postern::Tls
