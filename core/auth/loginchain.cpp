#include "auth/loginchain.h"

namespace Postern::Auth {

std::optional<LoginChain::Flag> LoginChain::flagFromName(const QString &name)
{
    if (name == u"required")
        return Flag::Required;
    if (name == u"requisite")
        return Flag::Requisite;
    if (name == u"sufficient")
        return Flag::Sufficient;
    if (name == u"optional")
        return Flag::Optional;
    return std::nullopt;
}

void LoginChain::add(std::shared_ptr<const LoginModule> module, Flag flag)
{
    m_modules.append({std::move(module), flag});
}

std::optional<LoginResult> LoginChain::login(const Credentials &credentials) const
{
    bool mandatoryFailed = false;
    bool anyMandatory = false;
    bool anySucceeded = false;
    LoginResult result;
    const auto merge = [&](const LoginResult &one) {
        if (!anySucceeded)
            result.user = one.user;
        anySucceeded = true;
        for (const QString &role : one.roles)
            if (!result.roles.contains(role))
                result.roles.append(role);
    };
    for (const auto &[module, flag] : m_modules) {
        const auto outcome = module->login(credentials);
        switch (flag) {
        case Flag::Required:
            anyMandatory = true;
            if (outcome)
                merge(*outcome);
            else
                mandatoryFailed = true;
            break;
        case Flag::Requisite:
            anyMandatory = true;
            if (!outcome)
                return std::nullopt;
            merge(*outcome);
            break;
        case Flag::Sufficient:
            if (outcome && !mandatoryFailed) {
                merge(*outcome);
                return result;
            }
            break;
        case Flag::Optional:
            if (outcome)
                merge(*outcome);
            break;
        }
    }
    if (mandatoryFailed || (!anyMandatory && !anySucceeded) || !anySucceeded)
        return std::nullopt;
    return result;
}

} // namespace Postern::Auth
