#include "auth/sessioncookie.h"

#include "config/valueparser.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>

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

// 128 random bits: what a logout revokes, unique to each cookie.
QString newCookieId()
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    return QString::fromLatin1(base64Url(QByteArray(reinterpret_cast<const char *>(words), sizeof words)));
}

// What identifies a (verified) cookie in the revocation list: its jti, else (a cookie minted
// before cookies had one, or by another gateway sharing the key file) its signature, hashed
// so that the list holds nothing that could be replayed.
QByteArray identityOf(QByteArrayView value, const QJsonObject &claims)
{
    const QString id = claims.value(u"jti").toString();
    if (!id.isEmpty())
        return "jti:" + id.toUtf8();
    const QByteArrayView signature = value.sliced(value.lastIndexOf('.') + 1);
    return "sig:" + QCryptographicHash::hash(signature, QCryptographicHash::Sha256).toBase64();
}

} // namespace

SessionCookie::SessionCookie(QString realmName, QString cookieName, QString sameSite,
                             std::chrono::milliseconds lifetime, JwtKey key,
                             std::shared_ptr<SessionRevocations> revocations)
    : m_realmName(std::move(realmName)), m_name(std::move(cookieName)), m_sameSite(std::move(sameSite)),
      m_lifetime(lifetime), m_key(key), m_validator(std::move(key), cookieRules(m_realmName)),
      m_revocations(revocations ? std::move(revocations) : std::make_shared<SessionRevocations>())
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
        {QStringLiteral("jti"), newCookieId()},
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

std::expected<qsizetype, QString> SessionCookie::revoke(QByteArrayView value, const QDateTime &now) const
{
    // Only a cookie this realm signed is recorded: anything else is no login to end, and
    // must not fill the list.
    QJsonObject claims;
    if (const auto result = m_validator.validate(value, now, &claims); !result)
        return std::unexpected(QStringLiteral("nothing to revoke: %1").arg(result.error()));
    const QDateTime expires = QDateTime::fromMSecsSinceEpoch(qint64(claims.value(u"exp").toDouble() * 1000.0), Qt::UTC);
    return m_revocations->revoke(identityOf(value, claims), expires, now);
}

std::expected<SessionCookie::Login, QString> SessionCookie::verify(QByteArrayView value, const QDateTime &now) const
{
    QJsonObject claims;
    auto result = m_validator.validate(value, now, &claims);
    if (!result)
        return std::unexpected(QStringLiteral("session cookie refused: %1").arg(result.error()));
    if (m_revocations->isRevoked(identityOf(value, claims), now))
        return std::unexpected(QStringLiteral("session cookie refused: it was logged out"));
    const QJsonValue issued = claims.value(u"iat");
    if (!issued.isDouble())
        return std::unexpected(QStringLiteral("session cookie refused: no login time"));
    return Login{std::move(*result), QDateTime::fromMSecsSinceEpoch(qint64(issued.toDouble() * 1000.0), Qt::UTC)};
}

} // namespace Postern::Auth
