#include "tls/storecheck.h"

#include "tls/certificatedetails.h"

namespace Postern::Tls::StoreCheck {

namespace {

bool isSecure(const QUrl &url)
{
    return url.scheme() == u"wss" || url.scheme() == u"https";
}

} // namespace

QJsonObject Finding::toJson() const
{
    return {{QStringLiteral("alias"), alias}, {QStringLiteral("kind"), kind}, {QStringLiteral("message"), message}};
}

QList<Finding> check(const Keystore &store, int expiringWithinDays, const QDateTime &now)
{
    QList<Finding> findings;
    for (const auto &entry : store.entries()) {
        for (qsizetype i = 0; i < entry.chain().size(); ++i) {
            const CertificateDetails d = CertificateDetails::of(entry.chain()[i].get());
            const QString which = i == 0 ? QStringLiteral("'%1'").arg(entry.alias())
                                         : QStringLiteral("'%1' (chain certificate %2, %3)").arg(entry.alias()).arg(i + 1).arg(d.subject);
            if (d.notAfter < now)
                findings.append({entry.alias(), QStringLiteral("expired"),
                                 QStringLiteral("%1 expired on %2").arg(which, d.notAfter.toString(Qt::ISODate))});
            else if (d.notBefore > now)
                findings.append({entry.alias(), QStringLiteral("not-yet-valid"),
                                 QStringLiteral("%1 is not valid before %2").arg(which, d.notBefore.toString(Qt::ISODate))});
            else if (d.daysLeft(now) < expiringWithinDays)
                findings.append({entry.alias(), QStringLiteral("expiring"),
                                 QStringLiteral("%1 expires in %2 day(s), on %3")
                                     .arg(which).arg(d.daysLeft(now)).arg(d.notAfter.toString(Qt::ISODate))});
            if ((d.keyType == u"RSA" && d.keyBits < 2048) || (d.keyType == u"EC" && d.keyBits < 256))
                findings.append({entry.alias(), QStringLiteral("weak-key"),
                                 QStringLiteral("%1 has a weak %2 key of %3 bits").arg(which, d.keyType).arg(d.keyBits)});
            // A self-signed root's own signature is never checked, so only others count.
            const QString signature = d.signatureAlgorithm.toLower();
            if (!d.selfSigned && (signature.contains(u"sha1") || signature.contains(u"md5")))
                findings.append({entry.alias(), QStringLiteral("weak-signature"),
                                 QStringLiteral("%1 is signed with %2").arg(which, d.signatureAlgorithm)});
        }
    }
    return findings;
}

QList<Finding> checkHosts(const Keystore &keystore, const Config::GatewayConfig &config)
{
    QList<Finding> findings;
    for (const auto &service : config.services)
        for (const QUrl &url : service.accepts)
            if (isSecure(url) && !keystore.entryForHost(url.host()))
                findings.append({{}, QStringLiteral("uncovered-host"),
                                 QStringLiteral("no certificate covers '%1' (accept %2 of service '%3')")
                                     .arg(url.host(), url.toString(), service.name)});
    return findings;
}

QStringList servicesUsing(const Keystore &keystore, const QString &alias, const Config::GatewayConfig &config)
{
    QStringList services;
    for (const auto &service : config.services) {
        for (const QUrl &url : service.accepts) {
            if (!isSecure(url))
                continue;
            const KeystoreEntry *entry = keystore.entryForHost(url.host());
            if (!entry)
                entry = keystore.firstKeyEntry();
            if (entry && entry->alias() == alias && !services.contains(service.name))
                services.append(service.name);
        }
    }
    return services;
}

} // namespace Postern::Tls::StoreCheck
