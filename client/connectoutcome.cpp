#include "connectoutcome.h"

#include "trustpolicy.h"

namespace Postern::Client {

QString ConnectOutcome::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Connected: return QStringLiteral("connected");
    case Kind::Refused: return QStringLiteral("refused");
    case Kind::GaveUp: return QStringLiteral("gave up");
    case Kind::TlsFailure: return QStringLiteral("TLS failure");
    case Kind::Unreachable: return QStringLiteral("unreachable");
    case Kind::BadHandshake: return QStringLiteral("bad handshake");
    case Kind::InvalidUrl: return QStringLiteral("invalid URL");
    case Kind::InvalidRequest: return QStringLiteral("invalid request");
    case Kind::Aborted: return QStringLiteral("aborted");
    }
    return {};
}

QString ConnectOutcome::describe(const QSslCertificate &certificate)
{
    if (certificate.isNull())
        return QStringLiteral("no certificate");
    return QStringLiteral("subject %1, issued by %2, valid %3 to %4, SHA-256 %5")
        .arg(certificate.subjectDisplayName(), certificate.issuerDisplayName(),
             certificate.effectiveDate().toUTC().toString(Qt::ISODate), certificate.expiryDate().toUTC().toString(Qt::ISODate),
             TrustPolicy::displayFingerprint(TrustPolicy::fingerprint(certificate)));
}

} // namespace Postern::Client
