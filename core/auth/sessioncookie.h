#pragma once

// A realm's single sign-on cookie (<authorization-mode>recycle</authorization-mode>). After a
// login the gateway sets it; other services of the same realm accept it instead of a new
// challenge until it expires. Its value is a JSON Web Token signed HS256 with the realm's
// session key: issuer "postern-sso", audience the realm's name, subject the user, the roles,
// and the time of the login (iat), from which session-timeout still counts. It is
// HttpOnly, SameSite as configured, and Secure when set over https or wss.

#include "auth/jwtvalidator.h"
#include "config/realmconfig.h"

#include <QDateTime>

namespace Postern::Auth {

class SessionCookie
{
public:
    struct Login
    {
        LoginResult result;
        QDateTime loginTime;
    };

    // `key` signs and checks; `lifetime` is how long a cookie stays valid after its login.
    SessionCookie(QString realmName, QString cookieName, QString sameSite, std::chrono::milliseconds lifetime,
                  JwtKey key);

    // The cookie name a realm uses when none is configured: "postern-sso-" and the realm's
    // name with every character that may not be in a cookie name made '_'.
    static QString defaultName(const QString &realmName);

    const QString &name() const { return m_name; }
    std::chrono::milliseconds lifetime() const { return m_lifetime; }

    // The Set-Cookie header value for `login`, checked at `loginTime`.
    QByteArray setCookie(const LoginResult &login, const QDateTime &loginTime, bool secure) const;
    // A Set-Cookie that makes the browser forget the cookie (log out). The cookie itself stays
    // valid until it expires: whoever copied it could still use it.
    QByteArray clearCookie(bool secure) const;
    // The login a cookie value carries, or why it is not one (expired, another realm's,
    // forged). Never includes the value.
    std::expected<Login, QString> verify(QByteArrayView value, const QDateTime &now) const;

private:
    QString m_realmName;
    QString m_name;
    QString m_sameSite;
    std::chrono::milliseconds m_lifetime;
    JwtKey m_key;
    JwtValidator m_validator;
};

} // namespace Postern::Auth
