#include "auth/fileloginmodule.h"

namespace Postern::Auth {

std::expected<LoginResult, QString> FileLoginModule::login(const Credentials &credentials) const
{
    if (credentials.user.isEmpty())
        return std::unexpected(QStringLiteral("no user name and password"));
    const auto roles = m_users.authenticate(credentials.user, credentials.password);
    if (!roles)
        return std::unexpected(QStringLiteral("wrong user name or password for user '%1'").arg(credentials.user));
    return LoginResult{credentials.user, *roles};
}

} // namespace Postern::Auth
