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

std::expected<LoginResult, QString> LoginChain::login(const Credentials &credentials) const
{
    bool mandatoryFailed = false;
    QString mandatoryReason; // why the first required module failed
    QString firstReason;     // why the first module of any kind failed
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
        if (!outcome && firstReason.isEmpty())
            firstReason = outcome.error();
        switch (flag) {
        case Flag::Required:
            anyMandatory = true;
            if (outcome) {
                merge(*outcome);
            } else if (!mandatoryFailed) {
                mandatoryFailed = true;
                mandatoryReason = outcome.error();
            }
            break;
        case Flag::Requisite:
            anyMandatory = true;
            if (!outcome)
                return std::unexpected(mandatoryFailed ? mandatoryReason : outcome.error());
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
    if (mandatoryFailed)
        return std::unexpected(mandatoryReason);
    if (!anySucceeded)
        return std::unexpected(firstReason.isEmpty() ? QStringLiteral("no login module accepted the credentials") : firstReason);
    return result;
}

} // namespace Postern::Auth
