#include "auth/fileloginmodule.h"

namespace Postern::Auth {

std::optional<LoginResult> FileLoginModule::login(const Credentials &credentials) const
{
    const auto roles = m_users.authenticate(credentials.user, credentials.password);
    if (!roles)
        return std::nullopt;
    return LoginResult{credentials.user, *roles};
}

} // namespace Postern::Auth
