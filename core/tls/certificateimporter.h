#pragma once

// Turns files administrators have (PEM and DER certificates and keys, certbot's
// fullchain.pem + privkey.pem, PKCS#12) into key store entries, refusing what does not fit:
// a key that matches no certificate, a certificate that is not part of the chain.

#include "tls/keystoreentry.h"
#include "tls/passwordprovider.h"

#include <QByteArray>
#include <QList>

#include <expected>

namespace Postern::Tls::CertificateImporter {

// Every certificate in PEM (any number, in order) or DER (one).
std::expected<QList<SharedCertificate>, QString> readCertificates(const QByteArray &data);

// A private key in PEM (PKCS#8 or traditional, encrypted or not) or DER. An encrypted key
// asks `passwords` (which may be null: then an encrypted key is an error).
std::expected<SharedKey, QString> readPrivateKey(const QByteArray &data, PasswordProvider *passwords,
                                                 const QString &purpose);

// A key entry: the leaf is the certificate the key belongs to, followed by the chain ordered
// upwards. Every certificate given must belong to that chain.
std::expected<KeystoreEntry, QString> keyEntry(const QString &alias, const QList<SharedCertificate> &certificates,
                                               const SharedKey &key);

// The key entry of a PKCS#12 file (one with exactly one key entry), under `alias`.
std::expected<KeystoreEntry, QString> keyEntryFromPkcs12(const QString &alias, const QByteArray &data,
                                                         const QByteArray &password);

// Trusted certificate entries, for a truststore: from PEM, DER or the certificates of a
// PKCS#12 file. One certificate is named `alias`; several are `alias-1`, `alias-2`, ...
std::expected<QList<KeystoreEntry>, QString> trustedEntries(const QString &alias, const QByteArray &data,
                                                            const QByteArray &pkcs12Password = {});

// The certificate among `certificates` that carries the public half of `key`, or null.
SharedCertificate certificateFor(const SharedKey &key, const QList<SharedCertificate> &certificates);

// `leaf` followed by those of `pool` that certify it, upwards; `unused` gets the rest.
QList<SharedCertificate> orderChain(const SharedCertificate &leaf, const QList<SharedCertificate> &pool,
                                    QList<SharedCertificate> *unused = nullptr);

} // namespace Postern::Tls::CertificateImporter
