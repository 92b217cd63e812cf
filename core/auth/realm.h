#pragma once

// A realm as the gateway runs it: its challenge, its login chain and its session timeout,
// built from a RealmConfig (loading the users files it names).

#include "auth/loginchain.h"
#include "auth/loginthrottle.h"
#include "config/realmconfig.h"

#include <QStringList>

#include <chrono>
#include <expected>
#include <memory>

namespace Postern::Auth {

class Realm
{
public:
    // Errors name the users file; `warnings` gets plain-text passwords.
    static std::expected<std::shared_ptr<const Realm>, QString> create(const Config::RealmConfig &config,
                                                                      QStringList *warnings);

    const QString &name() const { return m_name; }
    // The WWW-Authenticate value: 'Basic realm="demo"'.
    QByteArray challenge() const;
    std::chrono::milliseconds sessionTimeout() const { return m_sessionTimeout; }
    std::optional<LoginResult> login(const Credentials &credentials) const { return m_chain.login(credentials); }
    // The realm's record of failed logins: state that changes while the realm does not.
    LoginThrottle &throttle() const { return *m_throttle; }

private:
    QString m_name;
    QString m_scheme;
    std::chrono::milliseconds m_sessionTimeout{0};
    LoginChain m_chain;
    std::shared_ptr<LoginThrottle> m_throttle;
};

} // namespace Postern::Auth
