#include "certificatedetailsview.h"

#include "certificatemodel.h"

#include <QDateTime>
#include <QJsonArray>

namespace Postern::Admin {

namespace {

QString escaped(const QString &text)
{
    return text.toHtmlEscaped();
}

// Fingerprints are long: two lines of 16 bytes read (and compare) better than one.
QString fingerprint(const QString &hex)
{
    const QStringList bytes = hex.split(u':');
    QStringList lines;
    for (qsizetype i = 0; i < bytes.size(); i += 16)
        lines.append(bytes.mid(i, 16).join(u':'));
    return QStringLiteral("<tt>%1</tt>").arg(lines.join(QStringLiteral("<br>")));
}

QString row(const QString &label, const QString &value)
{
    if (value.isEmpty())
        return {};
    return QStringLiteral("<tr><td style=\"color:#555; padding-right:12px; white-space:nowrap\" valign=\"top\">%1</td><td>%2</td></tr>")
        .arg(escaped(label), value);
}

QString colourOf(const QString &status)
{
    if (status == CertificateModel::kExpired || status == CertificateModel::kNotYetValid)
        return QStringLiteral("#a61b1b");
    if (status == CertificateModel::kExpiring)
        return QStringLiteral("#8a4b00");
    return QStringLiteral("#2e7d32");
}

QString statusText(const QJsonObject &certificate, const QString &status)
{
    const QString expiry = CertificateModel::expiryText(certificate);
    if (status == CertificateModel::kExpired)
        return CertificateDetailsView::tr("Expired: %1").arg(expiry);
    if (status == CertificateModel::kNotYetValid)
        return CertificateDetailsView::tr("Not valid yet: valid from %1")
            .arg(QDateTime::fromString(certificate.value(u"notBefore").toString(), Qt::ISODate).toLocalTime().toString(Qt::ISODate));
    if (status == CertificateModel::kExpiring)
        return CertificateDetailsView::tr("Expires soon: %1").arg(expiry);
    return CertificateDetailsView::tr("Valid until %1").arg(expiry);
}

QString localTime(const QJsonObject &certificate, QStringView key)
{
    return QDateTime::fromString(certificate.value(key).toString(), Qt::ISODate).toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss t"));
}

QString certificateTable(const QJsonObject &c, int expiringWithinDays, bool full)
{
    const QString status = CertificateModel::status(c, expiringWithinDays);
    QString rows;
    rows += row(CertificateDetailsView::tr("Subject"), escaped(c.value(u"subject").toString()));
    rows += row(CertificateDetailsView::tr("Names"), escaped(c.value(u"subjectAlternativeNames").toVariant().toStringList().join(QStringLiteral(", "))));
    rows += row(CertificateDetailsView::tr("Issuer"), c.value(u"selfSigned").toBool()
                                                         ? CertificateDetailsView::tr("%1 (self-signed)").arg(escaped(c.value(u"issuer").toString()))
                                                         : escaped(c.value(u"issuer").toString()));
    rows += row(CertificateDetailsView::tr("Valid"), CertificateDetailsView::tr("%1 to %2<br><span style=\"color:%3\">%4</span>")
                                                        .arg(localTime(c, u"notBefore"), localTime(c, u"notAfter"), colourOf(status),
                                                             escaped(statusText(c, status))));
    rows += row(CertificateDetailsView::tr("Key"), escaped(CertificateModel::keyDescription(c)));
    if (full) {
        rows += row(CertificateDetailsView::tr("Signature"), escaped(c.value(u"signatureAlgorithm").toString()));
        rows += row(CertificateDetailsView::tr("Serial number"), QStringLiteral("<tt>%1</tt>").arg(escaped(c.value(u"serialNumber").toString())));
        rows += row(CertificateDetailsView::tr("Key usage"), escaped(c.value(u"keyUsage").toVariant().toStringList().join(QStringLiteral(", "))));
        rows += row(CertificateDetailsView::tr("Extended key usage"),
                    escaped(c.value(u"extendedKeyUsage").toVariant().toStringList().join(QStringLiteral(", "))));
        if (c.value(u"certificateAuthority").toBool())
            rows += row(CertificateDetailsView::tr("Authority"), CertificateDetailsView::tr("a CA: it may sign certificates"));
    }
    rows += row(CertificateDetailsView::tr("SHA-256"), fingerprint(c.value(u"sha256").toString()));
    rows += row(CertificateDetailsView::tr("SHA-1"), fingerprint(c.value(u"sha1").toString()));
    return QStringLiteral("<table cellspacing=\"0\" cellpadding=\"2\">%1</table>").arg(rows);
}

} // namespace

CertificateDetailsView::CertificateDetailsView(QWidget *parent) : QTextBrowser(parent)
{
    setObjectName(QStringLiteral("certificateDetails"));
    setOpenLinks(false);
    setAcceptDrops(false); // files dropped here are the page's to import
}

void CertificateDetailsView::showPlaceholder(const QString &text)
{
    m_entry = {};
    setHtml(QStringLiteral("<p style=\"color:#777\">%1</p>").arg(text.toHtmlEscaped()));
}

void CertificateDetailsView::setEntry(const QJsonObject &entry, bool keystore, int expiringWithinDays)
{
    m_entry = entry;
    setHtml(html(entry, keystore, expiringWithinDays));
}

QString CertificateDetailsView::html(const QJsonObject &entry, bool keystore, int expiringWithinDays)
{
    const QJsonObject certificate = entry.value(u"certificate").toObject();
    const QString status = CertificateModel::status(certificate, expiringWithinDays);
    QString html;
    html += QStringLiteral("<h3 style=\"margin-bottom:2px\">%1</h3>").arg(escaped(entry.value(u"alias").toString()));
    html += QStringLiteral("<p style=\"margin-top:0; color:#555\">%1</p>")
                .arg(entry.value(u"hasPrivateKey").toBool() ? tr("Key entry: a certificate with its private key, which the gateway can present")
                                                            : tr("Trusted certificate: no private key"));
    html += QStringLiteral("<p style=\"color:%1; font-weight:bold\">%2</p>").arg(colourOf(status), escaped(statusText(certificate, status)));

    const QJsonArray findings = entry.value(u"findings").toArray();
    if (!findings.isEmpty()) {
        html += QStringLiteral("<ul style=\"margin-top:0\">");
        for (const QJsonValue &finding : findings)
            html += QStringLiteral("<li style=\"color:#8a4b00\">%1</li>").arg(escaped(finding.toObject().value(u"message").toString()));
        html += QStringLiteral("</ul>");
    }
    if (keystore && entry.value(u"hasPrivateKey").toBool()) {
        const QStringList usedBy = entry.value(u"usedBy").toVariant().toStringList();
        html += QStringLiteral("<p>%1</p>").arg(usedBy.isEmpty() ? tr("No service presents it now.")
                                                                 : tr("Presented by the services <b>%1</b>.").arg(escaped(usedBy.join(QStringLiteral(", ")))));
    }
    html += QStringLiteral("<h4>%1</h4>").arg(tr("Certificate"));
    html += certificateTable(certificate, expiringWithinDays, true);

    const QJsonArray chain = entry.value(u"chain").toArray();
    if (chain.size() > 1) {
        html += QStringLiteral("<h4>%1</h4>").arg((chain.size() == 2 ? tr("Chain: its issuer") : tr("Chain: %1 certificates above it").arg(chain.size() - 1)));
        for (qsizetype i = 1; i < chain.size(); ++i) {
            const QJsonObject link = chain.at(i).toObject();
            html += QStringLiteral("<p style=\"margin-bottom:0\"><b>%1. %2</b></p>")
                        .arg(i)
                        .arg(escaped(link.value(u"subjectCommonName").toString().isEmpty() ? link.value(u"subject").toString()
                                                                                            : link.value(u"subjectCommonName").toString()));
            html += certificateTable(link, expiringWithinDays, false);
        }
    } else if (keystore && !certificate.value(u"selfSigned").toBool()) {
        html += QStringLiteral("<p style=\"color:#8a4b00\">%1</p>")
                    .arg(tr("The chain stops at this certificate: clients need its issuer (%1) from elsewhere.")
                             .arg(escaped(certificate.value(u"issuer").toString())));
    }
    return html;
}

} // namespace Postern::Admin
