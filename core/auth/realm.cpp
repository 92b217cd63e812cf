#include "auth/realm.h"

#include "auth/fileloginmodule.h"

namespace Postern::Auth {

std::expected<std::shared_ptr<const Realm>, QString> Realm::create(const Config::RealmConfig &config,
                                                                  QStringList *warnings)
{
    auto realm = std::make_shared<Realm>();
    realm->m_name = config.name;
    realm->m_scheme = config.challengeScheme;
    realm->m_sessionTimeout = config.sessionTimeout;
    realm->m_throttle = std::make_shared<LoginThrottle>(config.maximumFailures, config.failureWindow);
    for (const auto &module : config.loginModules) {
        const auto flag = LoginChain::flagFromName(module.success);
        if (!flag || module.type != u"file")
            return std::unexpected(QStringLiteral("realm '%1': unusable login module").arg(config.name));
        auto users = UsersFile::load(module.options.value(QStringLiteral("file")), warnings);
        if (!users)
            return std::unexpected(QStringLiteral("realm '%1': %2").arg(config.name, users.error()));
        realm->m_chain.add(std::make_shared<FileLoginModule>(std::move(*users)), *flag);
    }
    return std::shared_ptr<const Realm>(std::move(realm));
}

QByteArray Realm::challenge() const
{
    QByteArray quoted = m_name.toUtf8();
    quoted.replace('\\', "\\\\").replace('"', "\\\"");
    return m_scheme.toLatin1() + " realm=\"" + quoted + '"';
}

} // namespace Postern::Auth
