#include "auth/realm.h"

#include "auth/certificateloginmodule.h"
#include "auth/fileloginmodule.h"
#include "auth/tokenloginmodule.h"
#include "config/valueparser.h"
#include "tls/keystore.h"

#include <QFileInfo>

namespace Postern::Auth {

namespace {

void warnIfReadableByOthers(const QString &path, const QString &what, QStringList *warnings)
{
    const QFile::Permissions others = QFile::ReadGroup | QFile::ReadOther;
    if (warnings && (QFileInfo(path).permissions() & others))
        warnings->append(QStringLiteral("'%1' holds %2 and can be read by users other than its owner (chmod 600 it)")
                             .arg(path, what));
}

std::expected<std::shared_ptr<const LoginModule>, QString> tokenModule(const Config::LoginModuleConfig &config,
                                                                       const RealmKeys &keys, QStringList *warnings)
{
    const auto algorithm = JwtKey::algorithmFromName(config.options.value(QStringLiteral("algorithm")));
    if (!algorithm)
        return std::unexpected(QStringLiteral("token login module: unknown algorithm"));
    std::expected<JwtKey, QString> key = std::unexpected(QString());
    if (config.options.contains(QStringLiteral("key-file"))) {
        const QString path = config.options.value(QStringLiteral("key-file"));
        key = JwtKey::fromFile(*algorithm, path);
        if (key && *algorithm == JwtKey::Algorithm::HS256)
            warnIfReadableByOthers(path, QStringLiteral("a token signing secret"), warnings);
    } else {
        // A certificate: the truststore's (whose issuer's key we trust), else the keystore's.
        const QString alias = config.options.value(QStringLiteral("key-alias"));
        const Tls::KeystoreEntry *entry = keys.truststore ? keys.truststore->find(alias) : nullptr;
        if (!entry && keys.keystore)
            entry = keys.keystore->find(alias);
        if (!entry)
            return std::unexpected(QStringLiteral("token login module: key-alias '%1' is in neither the truststore nor the keystore")
                                       .arg(alias));
        key = JwtKey::fromCertificate(*algorithm, entry->certificate());
    }
    if (!key)
        return std::unexpected(QStringLiteral("token login module: %1").arg(key.error()));
    JwtRules rules;
    rules.issuer = config.options.value(QStringLiteral("issuer"));
    rules.audience = config.options.value(QStringLiteral("audience"));
    rules.rolesClaim = config.options.value(QStringLiteral("roles-claim"), rules.rolesClaim);
    if (config.options.contains(QStringLiteral("clock-skew")))
        rules.leeway = std::chrono::duration_cast<std::chrono::seconds>(
            Config::ValueParser::parseDuration(config.options.value(QStringLiteral("clock-skew"))).value_or(rules.leeway));
    return std::make_shared<TokenLoginModule>(JwtValidator(std::move(*key), std::move(rules)));
}

} // namespace

std::expected<std::shared_ptr<const Realm>, QString> Realm::create(const Config::RealmConfig &config,
                                                                  const RealmKeys &keys, QStringList *warnings)
{
    auto realm = std::make_shared<Realm>();
    realm->m_name = config.name;
    realm->m_scheme = config.challengeScheme;
    realm->m_tokenHeaders = config.tokenHeaders;
    realm->m_tokenQueryParameters = config.tokenQueryParameters;
    realm->m_tokenCookies = config.tokenCookies;
    realm->m_sessionTimeout = config.sessionTimeout;
    realm->m_throttle = std::make_shared<LoginThrottle>(config.maximumFailures, config.failureWindow);
    for (const auto &module : config.loginModules) {
        const auto flag = LoginChain::flagFromName(module.success);
        if (!flag)
            return std::unexpected(QStringLiteral("realm '%1': unusable login module").arg(config.name));
        if (module.type == u"file") {
            auto users = UsersFile::load(module.options.value(QStringLiteral("file")), warnings);
            if (!users)
                return std::unexpected(QStringLiteral("realm '%1': %2").arg(config.name, users.error()));
            realm->m_chain.add(std::make_shared<FileLoginModule>(std::move(*users)), *flag);
        } else if (module.type == u"token") {
            auto token = tokenModule(module, keys, warnings);
            if (!token)
                return std::unexpected(QStringLiteral("realm '%1': %2").arg(config.name, token.error()));
            realm->m_chain.add(std::move(*token), *flag);
        } else if (module.type == u"client-certificate") {
            const auto userName = module.options.value(QStringLiteral("user-name")) == u"subject"
                ? CertificateLoginModule::UserName::Subject
                : CertificateLoginModule::UserName::CommonName;
            realm->m_chain.add(std::make_shared<CertificateLoginModule>(userName, module.roleNames), *flag);
        } else {
            return std::unexpected(QStringLiteral("realm '%1': unknown login module type '%2'").arg(config.name, module.type));
        }
    }
    if (config.sessionCookie.enabled) {
        const Config::SessionCookieConfig &cookie = config.sessionCookie;
        auto key = cookie.keyFile.isEmpty() ? JwtKey::fromSecret(keys.sessionSecret)
                                            : JwtKey::fromFile(JwtKey::Algorithm::HS256, cookie.keyFile);
        if (!key)
            return std::unexpected(QStringLiteral("realm '%1': session cookie: %2").arg(config.name, key.error()));
        if (!cookie.keyFile.isEmpty())
            warnIfReadableByOthers(cookie.keyFile, QStringLiteral("a session cookie key"), warnings);
        // A cookie never outlives the login it stands for.
        const std::chrono::milliseconds lifetime = config.sessionTimeout.count() > 0
            ? std::min(cookie.maximumAge, config.sessionTimeout)
            : cookie.maximumAge;
        realm->m_sessionCookie = std::make_shared<const SessionCookie>(config.name, cookie.name, cookie.sameSite,
                                                                       lifetime, std::move(*key), keys.sessionRevocations);
    }
    return std::shared_ptr<const Realm>(std::move(realm));
}

QByteArray Realm::challenge() const
{
    QByteArray quoted = m_name.toUtf8();
    quoted.replace('\\', "\\\\").replace('"', "\\\"");
    QByteArray challenge = m_scheme.toLatin1() + " realm=\"" + quoted + '"';
    // A token client (a browser page above all, which cannot set headers on a WebSocket
    // handshake) learns where else this realm looks for its token. The names are HTTP tokens.
    if (m_scheme == u"Application Token") {
        const auto advertise = [&](const char *what, const QStringList &names) {
            if (!names.isEmpty())
                challenge += QByteArray(", ") + what + "=\"" + names.first().toLatin1() + '"';
        };
        advertise("header", m_tokenHeaders);
        advertise("parameter", m_tokenQueryParameters);
        advertise("cookie", m_tokenCookies);
    }
    return challenge;
}

} // namespace Postern::Auth
