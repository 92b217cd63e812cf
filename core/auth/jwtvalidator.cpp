#include "auth/jwtvalidator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace Postern::Auth {

namespace {

// base64url without padding (RFC 7515 §2), strictly: any other character refuses the token.
std::optional<QByteArray> decodePart(QByteArrayView part)
{
    for (const char c : part) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok)
            return std::nullopt;
    }
    if (part.size() % 4 == 1)
        return std::nullopt;
    const auto result = QByteArray::fromBase64Encoding(part.toByteArray(),
                                                       QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!result)
        return std::nullopt;
    return result.decoded;
}

std::optional<QJsonObject> decodeObject(QByteArrayView part)
{
    const auto bytes = decodePart(part);
    if (!bytes)
        return std::nullopt;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(*bytes, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

QString timeText(double seconds)
{
    return QDateTime::fromSecsSinceEpoch(qint64(seconds), Qt::UTC).toString(Qt::ISODate);
}

} // namespace

std::expected<LoginResult, QString> JwtValidator::validate(QByteArrayView token, const QDateTime &now,
                                                           QJsonObject *claimsOut) const
{
    if (token.size() > kMaximumTokenSize)
        return std::unexpected(QStringLiteral("token longer than %1 bytes").arg(kMaximumTokenSize));
    const qsizetype firstDot = token.indexOf('.');
    const qsizetype secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
    if (firstDot <= 0 || secondDot < 0 || token.indexOf('.', secondDot + 1) >= 0)
        return std::unexpected(QStringLiteral("not a JSON Web Token in compact form"));

    const auto header = decodeObject(token.first(firstDot));
    if (!header)
        return std::unexpected(QStringLiteral("malformed token header"));
    const QString algorithm = header->value(u"alg").toString();
    if (algorithm.compare(u"none", Qt::CaseInsensitive) == 0)
        return std::unexpected(QStringLiteral("unsigned token (alg none) refused"));
    if (algorithm != JwtKey::algorithmName(m_key.algorithm()))
        return std::unexpected(QStringLiteral("token signed with '%1'; this realm accepts only %2")
                                   .arg(algorithm.left(16), JwtKey::algorithmName(m_key.algorithm())));
    if (header->contains(u"crit"))
        return std::unexpected(QStringLiteral("token has critical header extensions this gateway does not understand"));
    const auto signature = decodePart(token.sliced(secondDot + 1));
    if (!signature || signature->isEmpty())
        return std::unexpected(QStringLiteral("malformed token signature"));
    if (!m_key.verify(token.first(secondDot), *signature))
        return std::unexpected(QStringLiteral("bad token signature"));

    const auto claims = decodeObject(token.sliced(firstDot + 1, secondDot - firstDot - 1));
    if (!claims)
        return std::unexpected(QStringLiteral("malformed token claims"));
    const double nowSeconds = double(now.toMSecsSinceEpoch()) / 1000.0;
    const double leeway = double(m_rules.leeway.count());
    const QJsonValue exp = claims->value(u"exp");
    if (!exp.isDouble() || !std::isfinite(exp.toDouble()))
        return std::unexpected(QStringLiteral("token has no expiry (exp)"));
    if (nowSeconds >= exp.toDouble() + leeway)
        return std::unexpected(QStringLiteral("token expired at %1").arg(timeText(exp.toDouble())));
    const QJsonValue nbf = claims->value(u"nbf");
    if (!nbf.isUndefined()) {
        if (!nbf.isDouble() || !std::isfinite(nbf.toDouble()))
            return std::unexpected(QStringLiteral("token's nbf is not a time"));
        if (nowSeconds + leeway < nbf.toDouble())
            return std::unexpected(QStringLiteral("token not valid before %1").arg(timeText(nbf.toDouble())));
    }
    if (!m_rules.issuer.isEmpty() && claims->value(u"iss").toString() != m_rules.issuer)
        return std::unexpected(QStringLiteral("token issuer '%1' is not '%2'")
                                   .arg(claims->value(u"iss").toString().left(200), m_rules.issuer));
    if (!m_rules.audience.isEmpty()) {
        const QJsonValue aud = claims->value(u"aud");
        const bool matches = aud.isArray() ? aud.toArray().contains(QJsonValue(m_rules.audience))
                                           : aud.toString() == m_rules.audience;
        if (!matches)
            return std::unexpected(QStringLiteral("token audience does not include '%1'").arg(m_rules.audience));
    }
    const QString user = claims->value(u"sub").toString();
    if (user.isEmpty())
        return std::unexpected(QStringLiteral("token has no subject (sub)"));

    QJsonValue roles = *claims;
    for (const QString &step : m_rules.rolesClaim.split(u'.'))
        roles = roles.toObject().value(step);
    LoginResult result{user, {}};
    if (roles.isString()) {
        result.roles = roles.toString().split(u' ', Qt::SkipEmptyParts);
    } else if (roles.isArray()) {
        for (const QJsonValue &role : roles.toArray()) {
            if (!role.isString())
                return std::unexpected(QStringLiteral("token claim '%1' holds something other than role names").arg(m_rules.rolesClaim));
            result.roles.append(role.toString());
        }
    } else if (!roles.isUndefined() && !roles.isNull()) {
        return std::unexpected(QStringLiteral("token claim '%1' is neither a list of role names nor a string").arg(m_rules.rolesClaim));
    }
    result.roles.removeDuplicates();
    if (claimsOut)
        *claimsOut = *claims;
    return result;
}

} // namespace Postern::Auth
