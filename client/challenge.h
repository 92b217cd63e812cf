#pragma once

// One challenge of a 401's WWW-Authenticate header (RFC 7235 §4.1), as a challenge handler
// sees it: the scheme ("Basic", "Application Basic", "Application Token" or any other), the
// realm, the other auth-params, and where and for which time it was met.

#include <QByteArrayView>
#include <QList>
#include <QMap>
#include <QString>
#include <QUrl>

namespace Postern::Client {

struct Challenge
{
    QString scheme;                    // as sent: "Application Basic"
    QString realm;                     // the realm auth-param
    QMap<QString, QString> parameters; // the other auth-params, names in lower case
    QString token68;                   // a token68 instead of auth-params, if any
    QUrl url;                          // what answered with it
    // 1 when the server asks for the first time; 2 and on when it refused the answer before.
    int attempt = 1;

    // "Application Basic" and "application basic" are the same scheme.
    bool isScheme(QStringView name) const { return scheme.compare(name, Qt::CaseInsensitive) == 0; }
    QString parameter(const QString &name) const { return parameters.value(name.toLower()); }

    // Every challenge in a WWW-Authenticate value, in order; malformed parts end the list.
    // KAAZING's two-word schemes ("Application Basic") are read as one scheme.
    static QList<Challenge> parse(QByteArrayView headerValue);
};

} // namespace Postern::Client
