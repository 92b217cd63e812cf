#pragma once

// <logging>: the level of each log category, applied at start and on every reload, e.g.
//   <logging><postern>info</postern><postern.frontdoor>debug</postern.frontdoor></logging>
// "postern" sets every category; a named category overrides it.

#include <QMap>
#include <QString>
#include <QStringList>

namespace Postern::Config {

struct LoggingConfig
{
    // category → "debug", "info", "warning" or "error" (the lowest level that is logged).
    QMap<QString, QString> levels;

    // The categories posternd logs to (server/logging.cpp), and "postern" for all of them.
    static QStringList categories()
    {
        return {QStringLiteral("postern"),         QStringLiteral("postern.frontdoor"), QStringLiteral("postern.tls"),
                QStringLiteral("postern.service"), QStringLiteral("postern.session"),   QStringLiteral("postern.gateway"),
                QStringLiteral("postern.proxy")};
    }
    static QStringList levelNames()
    {
        return {QStringLiteral("debug"), QStringLiteral("info"), QStringLiteral("warning"), QStringLiteral("error")};
    }

    bool operator==(const LoggingConfig &) const = default;
};

} // namespace Postern::Config
