#pragma once

// The settings of a management service (its <properties> and authorization), read.

#include <QString>
#include <QStringList>

namespace Postern::Config {

struct ManagementOptions
{
    // Users with one of these roles may change things (the authorization-constraint's
    // require-role; ADMINISTRATOR when the service has none).
    QStringList administratorRoles{QStringLiteral("ADMINISTRATOR")};
    // read-only.role: users with it may read everything and change nothing.
    QString readOnlyRole;
    // audit.log: every change, one JSON line each (absolute; default: audit.log beside the
    // configuration file).
    QString auditLog;
    // allow.unencrypted: ws:// on an address that is not loopback, which otherwise is refused.
    bool allowUnencrypted = false;
    // metrics: GET /metrics (Prometheus text) on the management accept addresses.
    bool metrics = true;
};

} // namespace Postern::Config
