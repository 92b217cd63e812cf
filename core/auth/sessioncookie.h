#pragma once

// A realm's single sign-on cookie (<authorization-mode>recycle</authorization-mode>). After a
// login the gateway sets it; other services of the same realm accept it instead of a new
// challenge until it expires. Its value is a JSON Web Token signed HS256 with the realm's
// session key: issuer "postern-sso", audience the realm's name, subject the user, the roles,
// and the time of the login (iat), from which session-timeout still counts, and a random id
// (jti) by which a logout revokes it. It is HttpOnly, SameSite as configured, and Secure when
// set over https or wss.

#include "auth/jwtvalidator.h"
#include "auth/sessionrevocations.h"
#include "config/realmconfig.h"

#include <QDateTime>

#include <memory>

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
    // `revocations` records logouts (shared, so that a reload keeps them); a list of its own
    // when null.
    SessionCookie(QString realmName, QString cookieName, QString sameSite, std::chrono::milliseconds lifetime,
                  JwtKey key, std::shared_ptr<SessionRevocations> revocations = {});

    // The cookie name a realm uses when none is configured: "postern-sso-" and the realm's
    // name with every character that may not be in a cookie name made '_'.
    static QString defaultName(const QString &realmName);

    const QString &name() const { return m_name; }
    std::chrono::milliseconds lifetime() const { return m_lifetime; }

    // The Set-Cookie header value for `login`, checked at `loginTime`.
    QByteArray setCookie(const LoginResult &login, const QDateTime &loginTime, bool secure) const;
    // A Set-Cookie that makes the browser forget the cookie. It does not end the login by
    // itself: revoke() does, for copies of the cookie too.
    QByteArray clearCookie(bool secure) const;
    // Logs the cookie `value` out: verify() refuses it from now on, until it would have
    // expired anyway. Returns how many other revocations were dropped to make room (see
    // SessionRevocations), or why `value` is no cookie to revoke (expired, forged, another
    // realm's). Never includes the value.
    std::expected<qsizetype, QString> revoke(QByteArrayView value, const QDateTime &now) const;
    // The login a cookie value carries, or why it is not one (expired, another realm's,
    // forged, logged out). Never includes the value.
    std::expected<Login, QString> verify(QByteArrayView value, const QDateTime &now) const;

private:
    QString m_realmName;
    QString m_name;
    QString m_sameSite;
    std::chrono::milliseconds m_lifetime;
    JwtKey m_key;
    JwtValidator m_validator;
    // Changes while the cookie's settings do not (as the realm's login throttle does).
    std::shared_ptr<SessionRevocations> m_revocations;
};

} // namespace Postern::Auth
