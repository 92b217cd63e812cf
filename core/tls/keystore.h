#pragma once

// A key store kept as one password-protected PKCS#12 file, one entry per alias (each entry's
// friendlyName is its alias): the keystore (key entries: certificates with private keys,
// which the gateway presents) and the truststore (trusted certificate entries, no keys) are
// both this class. Read with `openssl pkcs12 -info` like any other PKCS#12.

#include "tls/keystoreentry.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <expected>

namespace Postern::Tls {

class Keystore
{
public:
    static std::expected<Keystore, QString> load(const QString &path, const QByteArray &password);
    static std::expected<Keystore, QString> fromPkcs12(const QByteArray &der, const QByteArray &password);

    // The first line of a password file (trailing CR/LF removed). Empty is an error.
    static std::expected<QByteArray, QString> readPasswordFile(const QString &path);

    // Writes atomically, owner-only, keeping one backup ("<path>.bak").
    std::expected<void, QString> save(const QString &path, const QByteArray &password) const;
    std::expected<QByteArray, QString> toPkcs12(const QByteArray &password) const;

    const QList<KeystoreEntry> &entries() const { return m_entries; }
    bool isEmpty() const { return m_entries.isEmpty(); }
    const KeystoreEntry *find(const QString &alias) const;
    // The first entry with a private key (what a TLS server can present), or nullptr.
    const KeystoreEntry *firstKeyEntry() const;

    // Adds the entry, or replaces the one with the same alias.
    void insert(const KeystoreEntry &entry);
    bool remove(const QString &alias);
    std::expected<void, QString> rename(const QString &alias, const QString &newAlias);

    // The key entry to present for `host`: the one whose alias is the host, else the first
    // whose certificate covers it; nullptr when none does.
    const KeystoreEntry *entryForHost(const QString &host) const;

private:
    QList<KeystoreEntry> m_entries;
};

} // namespace Postern::Tls
