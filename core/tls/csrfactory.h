#pragma once

// Certificate signing requests, and installing a CA's reply onto the key that asked.

#include "tls/certificaterequest.h"
#include "tls/keystoreentry.h"

#include <QByteArray>

#include <expected>

namespace Postern::Tls::CsrFactory {

// A PEM "CERTIFICATE REQUEST" for `key`, with the request's subject and SANs.
std::expected<QByteArray, QString> createPem(EVP_PKEY *key, const CertificateRequest &request);

// The entry `pending` with its certificate chain replaced by the CA's reply. The reply's
// leaf must carry the pending entry's public key; the chain is ordered from it, and
// completed from `issuers` (a truststore's certificates, say) when the reply stops short.
std::expected<KeystoreEntry, QString> installReply(const KeystoreEntry &pending,
                                                   const QList<SharedCertificate> &reply,
                                                   const QList<SharedCertificate> &issuers = {});

} // namespace Postern::Tls::CsrFactory
