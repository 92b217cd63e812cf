#pragma once

// Checks a JSON Web Token (RFC 7519) in compact form: the signature with the configured key
// and algorithm, then exp / nbf (with a leeway for clock skew), iss and aud when configured,
// and takes the user from "sub" and the roles from a configurable claim.

#include "auth/jwtkey.h"
#include "auth/loginmodule.h"

#include <QDateTime>
#include <QJsonObject>

#include <chrono>

namespace Postern::Auth {

struct JwtRules
{
    QString issuer;   // when set, "iss" must be exactly this
    QString audience; // when set, "aud" (a string or a list) must contain it
    // A claim name, or a dotted path into nested objects ("realm_access.roles"); its value is
    // a list of strings or one space-separated string.
    QString rolesClaim = QStringLiteral("roles");
    std::chrono::seconds leeway{30};
};

class JwtValidator
{
public:
    static constexpr qsizetype kMaximumTokenSize = 16 * 1024;

    JwtValidator(JwtKey key, JwtRules rules) : m_key(std::move(key)), m_rules(std::move(rules)) {}

    // The user and roles, or why the token is refused (without the token's text). The
    // claims of a token that passes go to `claims` when given.
    std::expected<LoginResult, QString> validate(QByteArrayView token, const QDateTime &now,
                                                 QJsonObject *claims = nullptr) const;

    const JwtRules &rules() const { return m_rules; }

private:
    JwtKey m_key;
    JwtRules m_rules;
};

} // namespace Postern::Auth
