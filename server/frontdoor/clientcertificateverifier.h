#pragma once

// Verifies a TLS client's certificate chain against the truststore with OpenSSL: Qt's
// server side only asks for a certificate (QueryPeer) and does not require it to be valid.

#include <QList>
#include <QSslCertificate>
#include <QString>

namespace Postern::Frontdoor::ClientCertificateVerifier {

// Empty when `chain` (leaf first, as the client sent it) leads to a certificate in
// `trusted` and the leaf may be used by a TLS client; otherwise why not.
QString verify(const QList<QSslCertificate> &chain, const QList<QSslCertificate> &trusted);

} // namespace Postern::Frontdoor::ClientCertificateVerifier
