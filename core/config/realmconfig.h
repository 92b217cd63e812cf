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
    QString type;     // "file"
    QString success;  // "required", "requisite", "sufficient", "optional"
    QMap<QString, QString> options; // <options> children; for "file", "file" is an absolute path
    SourceLocation where;
};

struct RealmConfig
{
    QString name;
    QString description;
    QString challengeScheme = QStringLiteral("Basic"); // or "Application Basic"
    std::chrono::milliseconds sessionTimeout{0};       // 0: sessions may last as long as they like
    // <login-throttle>: failed logins allowed per client address and per user name in a window
    int maximumFailures = 10;
    std::chrono::milliseconds failureWindow{60'000};
    QList<LoginModuleConfig> loginModules;
    SourceLocation where;
};

} // namespace Postern::Config
