#include "frontdoor/httprequesthead.h"

namespace Postern::Frontdoor {

QByteArray HttpRequestHead::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers)
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value.isNull() ? QByteArray("") : value;
    return {};
}

bool HttpRequestHead::headerHasToken(QByteArrayView name, QByteArrayView token) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray &part : value.split(','))
            if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
                return true;
    }
    return false;
}

QString HttpRequestHead::host() const
{
    QByteArray value = absoluteAuthority.isEmpty() ? header("Host") : absoluteAuthority;
    if (value.startsWith('[')) { // [IPv6]:port
        const qsizetype end = value.indexOf(']');
        return QString::fromLatin1(value.mid(1, end - 1)).toLower();
    }
    const qsizetype colon = value.lastIndexOf(':');
    if (colon >= 0)
        value.truncate(colon);
    return QString::fromLatin1(value).toLower();
}

bool HttpRequestHead::wantsWebSocket() const
{
    return headerHasToken("Upgrade", "websocket") && headerHasToken("Connection", "upgrade");
}

bool HttpRequestHead::keepAlive() const
{
    if (headerHasToken("Connection", "close"))
        return false;
    return minorVersion >= 1 || headerHasToken("Connection", "keep-alive");
}

bool HttpRequestHead::hasBody() const
{
    if (hasHeader("Transfer-Encoding"))
        return true;
    const QByteArray length = header("Content-Length");
    return !length.isNull() && length != "0";
}

} // namespace Postern::Frontdoor
