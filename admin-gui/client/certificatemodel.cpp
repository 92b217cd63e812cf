#include "certificatemodel.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QJsonArray>
#include <QHostAddress>
#include <QRegularExpression>

namespace Postern::Admin {

namespace {

QDateTime timeOf(const QJsonObject &certificate, QStringView key)
{
    return QDateTime::fromString(certificate.value(key).toString(), Qt::ISODate);
}

QString joined(const QJsonValue &array, const QString &separator = QStringLiteral(", "))
{
    return array.toVariant().toStringList().join(separator);
}

} // namespace

CertificateModel::CertificateModel(ManagementClient *client, const QString &store, QObject *parent)
    : JsonTableModel(client, {tr("Alias"), tr("Subject"), tr("Names"), tr("Issuer"), tr("Expires"), tr("Key"), tr("Used by")}, parent),
      m_store(store)
{
    // Another console's change to the configuration may name another store, or none.
    client->subscribe(QStringLiteral("config"));
    connect(client, &ManagementClient::configChanged, this, &CertificateModel::refresh);
    refresh();
}

CertificateModel::~CertificateModel()
{
    if (client())
        client()->unsubscribe(QStringLiteral("config"));
}

void CertificateModel::refresh()
{
    if (!client()->isConnected())
        return;
    ManagementReply *reply = client()->listCertificates(m_store, m_expiringDays);
    // Connected before load()'s handler, so that whoever hears errorChanged() or loaded()
    // already knows whether the store exists.
    reply->onFinished(this, [this](const ManagementReply &answer) {
        const bool missing = answer.isError() && answer.error().code == u"not-found" && answer.error().field == u"params.store";
        if (missing) {
            m_file.clear();
            m_findings = {};
            setRows({});
        }
        if (!answer.isError() || missing)
            setConfigured(!missing);
    });
    load(reply, [this](const QJsonObject &result) {
        m_file = result.value(u"file").toString();
        m_findings = result.value(u"findings").toArray();
        return objects(result.value(u"entries"));
    });
}

void CertificateModel::setConfigured(bool configured)
{
    if (m_configured == configured)
        return;
    m_configured = configured;
    Q_EMIT configuredChanged(configured);
}

QJsonObject CertificateModel::entry(const QString &alias) const
{
    const int index = find(QStringLiteral("alias"), alias);
    return index < 0 ? QJsonObject() : row(index);
}

QStringList CertificateModel::keyAliases() const
{
    QStringList aliases;
    for (const QJsonObject &entry : rows())
        if (entry.value(u"hasPrivateKey").toBool())
            aliases.append(entry.value(u"alias").toString());
    return aliases;
}

QString CertificateModel::status(const QJsonObject &certificate, int expiringWithinDays, const QDateTime &now)
{
    const QDateTime notBefore = timeOf(certificate, u"notBefore");
    const QDateTime notAfter = timeOf(certificate, u"notAfter");
    if (notAfter.isValid() && notAfter < now)
        return kExpired;
    if (notBefore.isValid() && notBefore > now)
        return kNotYetValid;
    if (notAfter.isValid() && notAfter < now.addDays(expiringWithinDays))
        return kExpiring;
    return kFine;
}

QString CertificateModel::health(const QJsonObject &entry, int expiringWithinDays)
{
    QString worst = status(entry.value(u"certificate").toObject(), expiringWithinDays);
    if (worst == kExpired || worst == kNotYetValid)
        return worst;
    for (const QJsonValue &finding : entry.value(u"findings").toArray()) {
        const QString kind = finding.toObject().value(u"kind").toString();
        if (kind == kExpired || kind == kNotYetValid)
            return kind;
        worst = kExpiring; // expiring, weak-key, weak-signature: needs attention soon
    }
    return worst;
}

QString CertificateModel::keyDescription(const QJsonObject &certificate)
{
    const QString type = certificate.value(u"keyType").toString();
    const QString curve = certificate.value(u"curve").toString();
    const int bits = certificate.value(u"keyBits").toInt();
    if (type == u"EC" && !curve.isEmpty())
        return QStringLiteral("EC %1").arg(curve);
    if (type == u"RSA" || type == u"DSA")
        return QStringLiteral("%1 %2").arg(type).arg(bits);
    return type;
}

QString CertificateModel::expiryText(const QJsonObject &certificate, const QDateTime &now)
{
    const QDateTime notAfter = timeOf(certificate, u"notAfter");
    if (!notAfter.isValid())
        return {};
    const QString date = notAfter.toLocalTime().toString(QStringLiteral("yyyy-MM-dd"));
    const qint64 left = now.daysTo(notAfter);
    if (notAfter < now)
        return left == 0 ? tr("%1 (expired today)").arg(date) : tr("%1 (expired %2 ago)").arg(date, days(-left));
    if (left == 0)
        return tr("%1 (today)").arg(date);
    return tr("%1 (in %2)").arg(date, days(left));
}

QStringList CertificateModel::shortNames(const QJsonObject &certificate)
{
    static const QRegularExpression prefix(QStringLiteral("^(DNS|IP|IP Address|email|URI):"));
    QStringList names;
    for (const QJsonValue &name : certificate.value(u"subjectAlternativeNames").toArray())
        names.append(name.toString().remove(prefix));
    return names;
}

QStringList CertificateModel::splitNames(const QString &text)
{
    static const QRegularExpression separators(QStringLiteral("[,;\\s]+"));
    QStringList names = text.split(separators, Qt::SkipEmptyParts);
    names.removeDuplicates();
    return names;
}

bool CertificateModel::isIpAddress(const QString &text)
{
    return !QHostAddress(text).isNull() && (text.contains(u':') || text.count(u'.') == 3);
}

QString CertificateModel::days(qint64 count)
{
    return count == 1 ? tr("1 day") : tr("%1 days").arg(count);
}

QString CertificateModel::explain(const ManagementReply &reply, const QString &failed)
{
    const Management::ManagementError &error = reply.error();
    if (error.code == ManagementReply::kCancelled)
        return tr("Cancelled. The gateway may still have done it: the list shows what the store holds now.");
    if (error.code == u"forbidden")
        return tr("%1: you may read but not change this gateway's certificates.").arg(failed);
    if (error.code == u"not-found" && error.field == u"params.store")
        return tr("%1: the gateway's configuration has no such store (%2).").arg(failed, error.message);
    if (error.code == ManagementReply::kNotConnected || error.code == ManagementReply::kDisconnected)
        return tr("%1: the console is not connected to the gateway (%2).").arg(failed, error.message);
    if (error.code == ManagementReply::kTimedOut)
        return tr("%1: the gateway did not answer in time. It may still do it: the list shows what the store holds now.").arg(failed);
    QString message = error.message;
    if (!message.endsWith(u'.'))
        message += u'.';
    if (error.code == u"conflict" && error.field == u"params.alias" && message.contains(u"exists already"))
        message += tr(" Choose another alias, or replace that entry.");
    return tr("%1: %2").arg(failed, message);
}

ManagementReply *CertificateModel::change(ManagementReply *reply)
{
    reply->onFinished(this, [this](const ManagementReply &answer) {
        // The gateway never half-makes a change, so an error it sent means nothing changed;
        // but a cancelled or lost answer may hide a change that was made: look again.
        const QString &code = answer.error().code;
        if (!answer.isError() || code == ManagementReply::kCancelled || code == ManagementReply::kTimedOut
            || code == ManagementReply::kDisconnected)
            refresh();
    });
    return reply;
}

ManagementReply *CertificateModel::generate(const QString &alias, const QString &commonName, const QStringList &dnsNames,
                                            const QStringList &ipAddresses, int days, const QString &keyType, bool replace)
{
    return change(client()->generateCertificate({{QStringLiteral("alias"), alias},
                                                 {QStringLiteral("commonName"), commonName},
                                                 {QStringLiteral("dns"), QJsonArray::fromStringList(dnsNames)},
                                                 {QStringLiteral("ip"), QJsonArray::fromStringList(ipAddresses)},
                                                 {QStringLiteral("days"), days},
                                                 {QStringLiteral("keyType"), keyType},
                                                 {QStringLiteral("replace"), replace}}));
}

ManagementReply *CertificateModel::importEntries(const QJsonObject &params)
{
    QJsonObject withStore = params;
    withStore.insert(QStringLiteral("store"), m_store);
    return change(client()->importCertificate(withStore));
}

ManagementReply *CertificateModel::requestCertificate(const QString &alias, const QString &commonName, const QStringList &dnsNames,
                                                      const QStringList &ipAddresses, const QString &keyType)
{
    QJsonObject params{{QStringLiteral("alias"), alias}};
    // Left out, the gateway repeats the names of an existing entry's certificate.
    if (!commonName.isEmpty())
        params.insert(QStringLiteral("commonName"), commonName);
    if (!dnsNames.isEmpty())
        params.insert(QStringLiteral("dns"), QJsonArray::fromStringList(dnsNames));
    if (!ipAddresses.isEmpty())
        params.insert(QStringLiteral("ip"), QJsonArray::fromStringList(ipAddresses));
    if (!keyType.isEmpty())
        params.insert(QStringLiteral("keyType"), keyType);
    return change(client()->createCsr(params));
}

ManagementReply *CertificateModel::installReply(const QString &alias, const QByteArray &reply, const QByteArray &issuers)
{
    return change(client()->installReply(alias, reply, issuers));
}

ManagementReply *CertificateModel::exportEntry(const QString &alias, const QString &format, bool chain, const QString &password)
{
    QJsonObject params{{QStringLiteral("store"), m_store},
                       {QStringLiteral("alias"), alias},
                       {QStringLiteral("format"), format},
                       {QStringLiteral("chain"), chain}};
    if (format == u"pkcs12")
        params.insert(QStringLiteral("password"), password);
    // Nothing changes: no reload.
    return client()->exportCertificate(params);
}

ManagementReply *CertificateModel::rename(const QString &alias, const QString &newAlias)
{
    return change(client()->renameCertificate(m_store, alias, newAlias));
}

ManagementReply *CertificateModel::remove(const QString &alias, bool force)
{
    return change(client()->deleteCertificate(m_store, alias, force));
}

QVariant CertificateModel::cell(const QJsonObject &row, int column, int role) const
{
    const QJsonObject certificate = row.value(u"certificate").toObject();
    const QString state = status(certificate, m_expiringDays);
    switch (role) {
    case StatusRole:
        return state;
    case SortRole:
        if (column == Expires)
            return timeOf(certificate, u"notAfter");
        return {};
    case Qt::BackgroundRole:
        if (state == kExpired || state == kNotYetValid)
            return QBrush(QColor(0xfd, 0xec, 0xea));
        if (state == kExpiring)
            return QBrush(QColor(0xff, 0xf4, 0xdc));
        return {};
    case Qt::ForegroundRole:
        if (column != Expires)
            return {};
        if (state == kExpired || state == kNotYetValid)
            return QBrush(QColor(0xa6, 0x1b, 0x1b));
        if (state == kExpiring)
            return QBrush(QColor(0x8a, 0x4b, 0x00));
        return QBrush(QColor(0x2e, 0x7d, 0x32));
    case Qt::DecorationRole: {
        // A marker a person finds at a glance, findings in the chain included.
        if (column != Alias)
            return {};
        const QString worst = health(row, m_expiringDays);
        return worst == kExpired || worst == kNotYetValid ? QColor(0xc6, 0x28, 0x28)
               : worst == kExpiring                       ? QColor(0xef, 0x9a, 0x1a)
                                                          : QColor(0x43, 0xa0, 0x47);
    }
    case Qt::FontRole:
        if (column == Alias || (column == Expires && state != kFine)) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::ToolTipRole: {
        QStringList lines;
        switch (column) {
        case Alias:
            lines.append(row.value(u"hasPrivateKey").toBool() ? tr("Key entry: a certificate with its private key")
                                                              : tr("Trusted certificate (no private key)"));
            break;
        case Subject: lines.append(certificate.value(u"subject").toString()); break;
        case Names: lines.append(joined(certificate.value(u"subjectAlternativeNames"), QStringLiteral("\n"))); break;
        case Issuer: lines.append(certificate.value(u"issuer").toString()); break;
        case Expires:
            lines.append(tr("Valid from %1 to %2").arg(timeOf(certificate, u"notBefore").toLocalTime().toString(Qt::ISODate),
                                                       timeOf(certificate, u"notAfter").toLocalTime().toString(Qt::ISODate)));
            break;
        case UsedBy:
            if (row.value(u"usedBy").toArray().isEmpty())
                lines.append(isKeystore() ? tr("No service presents this certificate now.") : QString());
            else
                lines.append(tr("Presented by these services to clients connecting over TLS."));
            break;
        default: break;
        }
        for (const QJsonValue &finding : row.value(u"findings").toArray())
            lines.append(finding.toObject().value(u"message").toString());
        lines.removeAll(QString());
        return lines.isEmpty() ? QVariant() : QVariant(lines.join(u'\n'));
    }
    case Qt::DisplayRole:
        switch (column) {
        case Alias: return row.value(u"alias").toString();
        case Subject: {
            const QString name = certificate.value(u"subjectCommonName").toString();
            return name.isEmpty() ? certificate.value(u"subject").toString() : name;
        }
        case Names: return shortNames(certificate).join(QStringLiteral(", "));
        case Issuer: {
            if (certificate.value(u"selfSigned").toBool())
                return tr("(self-signed)");
            const QString name = certificate.value(u"issuerCommonName").toString();
            return name.isEmpty() ? certificate.value(u"issuer").toString() : name;
        }
        case Expires: return expiryText(certificate);
        case Key: return keyDescription(certificate);
        case UsedBy: return joined(row.value(u"usedBy"));
        default: return {};
        }
    default:
        return {};
    }
}

QStringList CertificateModel::dnsNamesIn(const QString &dnsField)
{
    QStringList names = splitNames(dnsField);
    names.removeIf(isIpAddress);
    return names;
}

QStringList CertificateModel::ipAddressesIn(const QString &ipField, const QString &dnsField)
{
    QStringList addresses = splitNames(ipField);
    for (const QString &name : splitNames(dnsField))
        if (isIpAddress(name) && !addresses.contains(name))
            addresses.append(name);
    return addresses;
}

} // namespace Postern::Admin
