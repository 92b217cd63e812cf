#include "sessioncookiejar.h"

#include <QNetworkCookie>

namespace Postern::Client {

QUrl SessionCookieJar::asHttp(const QUrl &url)
{
    QUrl http = url;
    if (url.scheme() == u"ws")
        http.setScheme(QStringLiteral("http"));
    else if (url.scheme() == u"wss")
        http.setScheme(QStringLiteral("https"));
    return http;
}

void SessionCookieJar::store(const QUrl &url, const QList<QByteArray> &setCookies)
{
    QList<QNetworkCookie> cookies;
    for (const QByteArray &header : setCookies)
        cookies += QNetworkCookie::parseCookies(header);
    if (!cookies.isEmpty())
        m_jar.setCookiesFromUrl(cookies, asHttp(url));
}

QByteArray SessionCookieJar::cookieHeader(const QUrl &url) const
{
    QList<QByteArray> pairs;
    for (const QNetworkCookie &cookie : m_jar.cookiesForUrl(asHttp(url)))
        pairs.append(cookie.toRawForm(QNetworkCookie::NameAndValueOnly));
    return pairs.join("; ");
}

void SessionCookieJar::clear()
{
    m_jar.setAllCookies({});
}

qsizetype SessionCookieJar::count() const
{
    return m_jar.allCookies().size();
}

} // namespace Postern::Client
