#pragma once

// Makes key pairs and X.509 certificates with OpenSSL: self-signed ones for a first start
// or a test machine, and ones signed by a CA key (tests build their own CA with it).

#include "tls/certificaterequest.h"
#include "tls/keyspec.h"
#include "tls/opensslhandles.h"

#include <expected>

namespace Postern::Tls::CertificateFactory {

std::expected<SharedKey, QString> generateKey(const KeySpec &spec);

std::expected<SharedCertificate, QString> selfSigned(EVP_PKEY *key, const CertificateRequest &request);

std::expected<SharedCertificate, QString> signedBy(EVP_PKEY *subjectKey, const CertificateRequest &request,
                                                   X509 *issuer, EVP_PKEY *issuerKey);

} // namespace Postern::Tls::CertificateFactory
