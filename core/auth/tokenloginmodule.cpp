#include "auth/tokenloginmodule.h"

namespace Postern::Auth {

std::expected<LoginResult, QString> TokenLoginModule::login(const Credentials &credentials) const
{
    if (credentials.token.isEmpty())
        return std::unexpected(QStringLiteral("no token"));
    return m_validator.validate(credentials.token, QDateTime::currentDateTimeUtc());
}

} // namespace Postern::Auth
