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

QByteArray HttpRequestHead::queryParameter(QByteArrayView name) const
{
    for (const QByteArray &pair : query.split('&')) {
        const qsizetype equals = pair.indexOf('=');
        QByteArray key = equals < 0 ? pair : pair.left(equals);
        if (QByteArray::fromPercentEncoding(key.replace('+', ' ')) != name)
            continue;
        QByteArray value = equals < 0 ? QByteArray("") : pair.mid(equals + 1);
        value = QByteArray::fromPercentEncoding(value.replace('+', ' '));
        return value.isNull() ? QByteArray("") : value;
    }
    return {};
}

QByteArray HttpRequestHead::cookie(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare("Cookie", Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray &pair : value.split(';')) {
            const QByteArray trimmed = pair.trimmed();
            const qsizetype equals = trimmed.indexOf('=');
            if (equals <= 0 || trimmed.first(equals).trimmed() != name)
                continue;
            QByteArray cookieValue = trimmed.mid(equals + 1).trimmed();
            if (cookieValue.size() >= 2 && cookieValue.startsWith('"') && cookieValue.endsWith('"'))
                cookieValue = cookieValue.mid(1, cookieValue.size() - 2);
            return cookieValue.isNull() ? QByteArray("") : cookieValue;
        }
    }
    return {};
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
