#pragma once

// One <cross-site-constraint> of a service: a web origin allowed to use it from a page of
// another origin, and what a CORS preflight may then ask for.

#include "config/sourcelocation.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace Postern::Config {

struct CrossSiteConstraint
{
    QString allowOrigin;       // "*" or a normalised origin "scheme://host:port"
    QStringList allowMethods;  // upper case; default the CORS-safelisted GET, HEAD, POST
    QStringList allowHeaders;  // lower case; default none
    std::optional<qint64> maximumAgeSeconds;
    SourceLocation where;

    // "scheme://host:port" (lower case, port always written) for an http or https origin,
    // "null" for the opaque origin, nothing for anything else.
    static std::optional<QString> normaliseOrigin(const QString &origin);
};

} // namespace Postern::Config
