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
    SourceLocation where;
};

} // namespace Postern::Config
