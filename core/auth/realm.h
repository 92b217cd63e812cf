#pragma once

// A realm as the gateway runs it: its challenge, its login chain and its session timeout,
// built from a RealmConfig (loading the users files it names).

#include "auth/loginchain.h"
#include "auth/sessioncookie.h"
#include "auth/loginthrottle.h"
#include "config/realmconfig.h"

#include <QStringList>

#include <chrono>
#include <expected>
#include <memory>

namespace Postern::Tls { class Keystore; }

namespace Postern::Auth {

// Where a token login module's <key-alias> is looked up, and what signs single sign-on cookies when the realm names no key file.
struct RealmKeys
{
    const Tls::Keystore *keystore = nullptr;
    const Tls::Keystore *truststore = nullptr;
    QByteArray sessionSecret; // at least 32 random bytes, kept for the gateway's lifetime
    // Logged-out single sign-on cookies, kept for the gateway's lifetime (across reloads); each
    // realm keeps its own when null.
    std::shared_ptr<SessionRevocations> sessionRevocations;
};

class Realm
{
public:
    // Errors name the users or key file; `warnings` gets plain-text passwords and loosely
    // protected secrets.
    static std::expected<std::shared_ptr<const Realm>, QString> create(const Config::RealmConfig &config,
                                                                      const RealmKeys &keys, QStringList *warnings);

    const QString &name() const { return m_name; }
    // The WWW-Authenticate value: 'Basic realm="demo"'. An Application Token challenge also
    // names the first http-header, http-query-parameter and http-cookie the realm reads:
    // 'Application Token realm="api", parameter="access_token"'.
    QByteArray challenge() const;
    const QString &scheme() const { return m_scheme; }
    // Where tokens may be besides the Authorization header.
    const QStringList &tokenHeaders() const { return m_tokenHeaders; }
    const QStringList &tokenQueryParameters() const { return m_tokenQueryParameters; }
    const QStringList &tokenCookies() const { return m_tokenCookies; }
    std::chrono::milliseconds sessionTimeout() const { return m_sessionTimeout; }
    std::expected<LoginResult, QString> login(const Credentials &credentials) const { return m_chain.login(credentials); }
    // The single sign-on cookie, when <authorization-mode> is recycle.
    const SessionCookie *sessionCookie() const { return m_sessionCookie.get(); }
    // The realm's record of failed logins: state that changes while the realm does not.
    LoginThrottle &throttle() const { return *m_throttle; }

private:
    QString m_name;
    QString m_scheme;
    QStringList m_tokenHeaders;
    QStringList m_tokenQueryParameters;
    QStringList m_tokenCookies;
    std::chrono::milliseconds m_sessionTimeout{0};
    LoginChain m_chain;
    std::shared_ptr<LoginThrottle> m_throttle;
    std::shared_ptr<const SessionCookie> m_sessionCookie;
};

} // namespace Postern::Auth
