#include "auth/sessioncookie.h"

#include "config/valueparser.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace Postern::Auth {

namespace {

constexpr char kIssuer[] = "postern-sso";

QByteArray base64Url(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

JwtRules cookieRules(const QString &realmName)
{
    JwtRules rules;
    rules.issuer = QString::fromLatin1(kIssuer);
    rules.audience = realmName;
    rules.rolesClaim = QStringLiteral("roles");
    rules.leeway = std::chrono::seconds(0); // our own clock set exp
    return rules;
}

} // namespace

SessionCookie::SessionCookie(QString realmName, QString cookieName, QString sameSite,
                             std::chrono::milliseconds lifetime, JwtKey key)
    : m_realmName(std::move(realmName)), m_name(std::move(cookieName)), m_sameSite(std::move(sameSite)),
      m_lifetime(lifetime), m_key(key), m_validator(std::move(key), cookieRules(m_realmName))
{
    if (m_name.isEmpty())
        m_name = defaultName(m_realmName);
}

QString SessionCookie::defaultName(const QString &realmName)
{
    QString name = QStringLiteral("postern-sso-") + realmName;
    for (QChar &c : name)
        if (!Config::ValueParser::isTokenCharacter(c))
            c = u'_';
    return name;
}

QByteArray SessionCookie::setCookie(const LoginResult &login, const QDateTime &loginTime, bool secure) const
{
    // NumericDate may have a fraction (RFC 7519 §2): the login time to the millisecond.
    const double issued = double(loginTime.toMSecsSinceEpoch()) / 1000.0;
    const qint64 lifetime = std::chrono::duration_cast<std::chrono::seconds>(m_lifetime).count();
    QJsonObject claims{
        {QStringLiteral("iss"), QString::fromLatin1(kIssuer)},
        {QStringLiteral("aud"), m_realmName},
        {QStringLiteral("sub"), login.user},
        {QStringLiteral("roles"), QJsonArray::fromStringList(login.roles)},
        {QStringLiteral("iat"), issued},
        {QStringLiteral("exp"), issued + lifetime},
    };
    const QByteArray signingInput = base64Url(R"({"alg":"HS256","typ":"JWT"})") + '.'
        + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    const QByteArray token = signingInput + '.' + base64Url(m_key.sign(signingInput));
    QByteArray header = m_name.toLatin1() + '=' + token + "; Path=/; Max-Age=" + QByteArray::number(lifetime)
        + "; HttpOnly; SameSite=" + m_sameSite.toLatin1();
    if (secure)
        header += "; Secure";
    return header;
}

QByteArray SessionCookie::clearCookie(bool secure) const
{
    QByteArray header = m_name.toLatin1() + "=; Path=/; Max-Age=0; HttpOnly; SameSite=" + m_sameSite.toLatin1();
    if (secure)
        header += "; Secure";
    return header;
}

std::expected<SessionCookie::Login, QString> SessionCookie::verify(QByteArrayView value, const QDateTime &now) const
{
    QJsonObject claims;
    auto result = m_validator.validate(value, now, &claims);
    if (!result)
        return std::unexpected(QStringLiteral("session cookie refused: %1").arg(result.error()));
    const QJsonValue issued = claims.value(u"iat");
    if (!issued.isDouble())
        return std::unexpected(QStringLiteral("session cookie refused: no login time"));
    return Login{std::move(*result), QDateTime::fromMSecsSinceEpoch(qint64(issued.toDouble() * 1000.0), Qt::UTC)};
}

} // namespace Postern::Auth
