#include "frontdoor/credentialreader.h"

#include "auth/realm.h"
#include "frontdoor/connectioninfo.h"
#include "frontdoor/httprequesthead.h"

namespace Postern::Frontdoor {

namespace {

// The rest of `header` after a case-insensitive `scheme` and a space, or null.
QByteArray afterScheme(const QByteArray &header, QByteArrayView scheme)
{
    if (header.size() <= scheme.size() + 1 || header.first(scheme.size()).compare(scheme, Qt::CaseInsensitive) != 0
        || header.at(scheme.size()) != ' ')
        return {};
    return header.mid(scheme.size() + 1).trimmed();
}

} // namespace

CredentialReader::Result CredentialReader::read(const HttpRequestHead &request, const Auth::Realm &realm,
                                                const ConnectionInfo &connection)
{
    Result result;
    result.credentials.clientCertificateSubject = connection.clientCertificateSubject;
    result.credentials.clientCertificateCommonName = connection.clientCertificateCommonName;

    const QByteArray authorization = request.header("Authorization").trimmed();
    for (const QByteArrayView scheme : {QByteArrayView("Application Basic"), QByteArrayView("Basic")}) {
        const QByteArray encoded = afterScheme(authorization, scheme);
        if (encoded.isEmpty())
            continue;
        const auto decoded = QByteArray::fromBase64Encoding(encoded, QByteArray::AbortOnBase64DecodingErrors);
        QByteArray pair = decoded ? decoded.decoded : QByteArray();
        const qsizetype colon = pair.indexOf(':');
        if (colon <= 0) {
            result.malformed = QStringLiteral("malformed Basic credentials");
        } else {
            result.credentials.user = QString::fromUtf8(pair.left(colon));
            result.credentials.password = pair.mid(colon + 1);
        }
        pair.fill('\0'); // it held the password
        break;
    }
    for (const QByteArrayView scheme : {QByteArrayView("Application Token"), QByteArrayView("Bearer"), QByteArrayView("Token")}) {
        const QByteArray token = afterScheme(authorization, scheme);
        if (!token.isEmpty()) {
            result.credentials.token = token;
            break;
        }
    }
    const auto firstToken = [&](const QStringList &names, auto lookup) {
        for (const QString &name : names) {
            if (!result.credentials.token.isEmpty())
                return;
            result.credentials.token = lookup(name.toUtf8()).trimmed();
        }
    };
    firstToken(realm.tokenHeaders(), [&](const QByteArray &name) { return request.header(name); });
    firstToken(realm.tokenQueryParameters(), [&](const QByteArray &name) { return request.queryParameter(name); });
    firstToken(realm.tokenCookies(), [&](const QByteArray &name) { return request.cookie(name); });
    if (!authorization.isEmpty() && result.credentials.user.isEmpty() && result.credentials.token.isEmpty()
        && result.malformed.isEmpty())
        result.malformed = QStringLiteral("an Authorization scheme this realm does not read");
    return result;
}

bool CredentialReader::presentsSecrets(const HttpRequestHead &request, const Auth::Realm &realm)
{
    if (!request.header("Authorization").isNull())
        return true;
    for (const QString &name : realm.tokenHeaders())
        if (!request.header(name.toUtf8()).isNull())
            return true;
    for (const QString &name : realm.tokenQueryParameters())
        if (!request.queryParameter(name.toUtf8()).isNull())
            return true;
    for (const QString &name : realm.tokenCookies())
        if (!request.cookie(name.toUtf8()).isNull())
            return true;
    return false;
}

} // namespace Postern::Frontdoor
