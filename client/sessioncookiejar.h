#pragma once

// The single sign-on cookies a gateway sets (Set-Cookie on the 101 of a login), kept in
// memory for the connections an application makes, so that a second service of the same
// realm is entered without asking the application again. Shared between connections through
// a std::shared_ptr. Nothing is written anywhere; clear() forgets every cookie (log out).
// Cookie rules are QNetworkCookieJar's (RFC 6265: domain, path, expiry, Secure), with ws://
// counted as http:// and wss:// as https://.

#include <QByteArray>
#include <QList>
#include <QNetworkCookieJar>
#include <QUrl>

namespace Postern::Client {

class SessionCookieJar
{
public:
    // The Set-Cookie values of a response from `url`.
    void store(const QUrl &url, const QList<QByteArray> &setCookies);
    // The Cookie header for a request to `url`; empty when no cookie applies.
    QByteArray cookieHeader(const QUrl &url) const;
    // Forgets every cookie.
    void clear();
    bool isEmpty() const { return count() == 0; }
    qsizetype count() const;

private:
    class Jar final : public QNetworkCookieJar
    {
    public:
        using QNetworkCookieJar::allCookies;
        using QNetworkCookieJar::setAllCookies;
    };

    static QUrl asHttp(const QUrl &url);
    mutable Jar m_jar;
};

} // namespace Postern::Client
