#pragma once

// The keystore work shared by postern-keytool and the management API: a self-signed entry,
// a certificate signing request (for an entry's key, or a new key kept with a self-signed
// placeholder until the CA's reply is installed), and exports.

#include "tls/certificaterequest.h"
#include "tls/keyspec.h"
#include "tls/keystore.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <expected>

namespace Postern::Tls::StoreOperations {

// A certificate in PEM.
QString pem(X509 *certificate);

// An entry as postern-keytool --json and the management API show it: alias, type ("key" or
// "trusted"), and the details of its certificate and chain.
QJsonObject entryJson(const KeystoreEntry &entry);

// A new key of `spec` and a self-signed certificate for `request`, as entry `alias`.
std::expected<KeystoreEntry, QString> generate(const QString &alias, const CertificateRequest &request, const KeySpec &spec);

// A CSR (PEM) for entry `alias` of `store`. For an existing key entry, an empty `request`
// asks again for what its certificate says now. Without one, a key of `spec` is made and
// stored with a self-signed placeholder (`createdKey` then says so); the caller saves.
std::expected<QByteArray, QString> requestCertificate(Keystore &store, const QString &alias, CertificateRequest request,
                                                      const KeySpec &spec, bool *createdKey = nullptr);

enum class ExportFormat { Pem, Der, Pkcs12 };
std::optional<ExportFormat> exportFormatFromName(const QString &name); // "pem", "der", "pkcs12"

// The entry's certificate (with its chain for PEM when `chain`), or with its key as a
// PKCS#12 file protected by `password` (which must not be empty).
std::expected<QByteArray, QString> exportEntry(const KeystoreEntry &entry, ExportFormat format, bool chain,
                                               const QByteArray &password = {});

} // namespace Postern::Tls::StoreOperations
