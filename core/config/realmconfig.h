#pragma once

// <security><realm>: how users of the services naming this realm are challenged and
// authenticated.

#include "config/sourcelocation.h"

#include <QList>
#include <QMap>
#include <QString>

#include <chrono>

namespace Postern::Config {

struct LoginModuleConfig
{
    QString type;     // "file", "token", "client-certificate"
    QString success;  // "required", "requisite", "sufficient", "optional"
    // <options> children, checked per type: file: "file" (absolute); token: "algorithm",
    // "key-file" (absolute) or "key-alias", "issuer", "audience", "roles-claim",
    // "clock-skew"; client-certificate: "user-name" ("common-name" or "subject").
    QMap<QString, QString> options;
    QStringList roleNames; // client-certificate: <role-name> options, the roles it grants
    SourceLocation where;
};

// <authorization-mode>recycle</authorization-mode> and <session-cookie>: single sign-on. After
// a login the gateway sets a signed cookie that other services of the realm accept instead
// of a new challenge.
struct SessionCookieConfig
{
    bool enabled = false;                     // authorization-mode recycle
    QString name;                             // empty: "postern-sso-" + the realm name made a token
    std::chrono::milliseconds maximumAge{30 * 60 * 1000};
    QString sameSite = QStringLiteral("Strict"); // "Strict", "Lax" or "None"
    QString keyFile;                          // absolute; empty: a random key per gateway process
    SourceLocation where;                     // of <session-cookie>, or of <authorization-mode>
};

struct RealmConfig
{
    QString name;
    QString description;
    QString challengeScheme = QStringLiteral("Basic"); // or "Application Basic", "Application Token"
    // Where tokens may come from besides "Authorization: Bearer": request headers, query
    // parameters and cookies, by name.
    QStringList tokenHeaders;
    QStringList tokenQueryParameters;
    QStringList tokenCookies;
    std::chrono::milliseconds sessionTimeout{0};       // 0: sessions may last as long as they like
    // <login-throttle>: failed logins allowed per client address and per user name in a window
    int maximumFailures = 10;
    std::chrono::milliseconds failureWindow{60'000};
    QList<LoginModuleConfig> loginModules;
    SessionCookieConfig sessionCookie;
    SourceLocation where;
};

} // namespace Postern::Config
