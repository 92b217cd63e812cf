#include "trustpolicy.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSslConfiguration>

namespace Postern::Client {

TrustPolicy TrustPolicy::authorities(QList<QSslCertificate> certificates)
{
    TrustPolicy policy(Kind::Authorities);
    policy.m_authorities = std::move(certificates);
    return policy;
}

std::expected<TrustPolicy, QString> TrustPolicy::authorityFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::unexpected(QStringLiteral("cannot read CA file '%1': %2").arg(path, file.errorString()));
    const QByteArray data = file.read(4 * 1024 * 1024);
    QList<QSslCertificate> certificates = QSslCertificate::fromData(data, QSsl::Pem);
    if (certificates.isEmpty())
        certificates = QSslCertificate::fromData(data, QSsl::Der);
    if (certificates.isEmpty())
        return std::unexpected(QStringLiteral("CA file '%1' holds no certificate (PEM or DER)").arg(path));
    return authorities(certificates);
}

std::expected<TrustPolicy, QString> TrustPolicy::pinned(const QList<QByteArray> &fingerprints)
{
    TrustPolicy policy(Kind::Pinned);
    for (const QByteArray &given : fingerprints) {
        QByteArray raw = given;
        if (given.size() != 32) {
            QByteArray hex = given;
            hex.replace(':', QByteArray()).replace(' ', QByteArray());
            raw = QByteArray::fromHex(hex);
            if (hex.size() != 64 || raw.toHex().compare(hex, Qt::CaseInsensitive) != 0)
                return std::unexpected(QStringLiteral("'%1' is not a SHA-256 fingerprint (64 hex digits, colons allowed)")
                                           .arg(QString::fromLatin1(given.left(120))));
        }
        policy.m_pins.append(raw);
    }
    if (policy.m_pins.isEmpty())
        return std::unexpected(QStringLiteral("pinning needs at least one fingerprint"));
    return policy;
}

void TrustPolicy::apply(QSslConfiguration &configuration) const
{
    if (m_kind == Kind::Authorities)
        configuration.setCaCertificates(m_authorities);
    else
        configuration.setCaCertificates(QSslConfiguration::systemCaCertificates());
    configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
}

bool TrustPolicy::accepts(const QList<QSslCertificate> &chain, const QList<QSslError> &errors) const
{
    if (m_kind != Kind::Pinned)
        return errors.isEmpty();
    return !chain.isEmpty() && m_pins.contains(fingerprint(chain.first()));
}

QByteArray TrustPolicy::fingerprint(const QSslCertificate &certificate)
{
    return certificate.isNull() ? QByteArray() : QCryptographicHash::hash(certificate.toDer(), QCryptographicHash::Sha256);
}

QString TrustPolicy::displayFingerprint(const QByteArray &fingerprint)
{
    return QString::fromLatin1(fingerprint.toHex(':').toUpper());
}

} // namespace Postern::Client
