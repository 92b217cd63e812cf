#pragma once

// One <service> of gateway-config.xml, validated.

#include "config/acceptoptions.h"
#include "config/authorizationconstraint.h"
#include "config/broadcastoptions.h"
#include "config/connectoptions.h"
#include "config/crosssiteconstraint.h"
#include "config/managementoptions.h"
#include "config/proxyoptions.h"
#include "config/sourcelocation.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QUrl>

#include <optional>

namespace Postern::Config {

struct ServiceConfig
{
    QString name;
    QString description;
    bool enabled = true;                   // <service enabled="false">: validated, not started
    QString type;                          // "echo", "directory", "proxy", "broadcast", "management", "login"
    QList<QUrl> accepts;                   // ws, wss, http, https; normalised (explicit port, path)
    QList<SourceLocation> acceptLocations; // parallel to accepts
    // proxy and broadcast: the back-end (a broadcast's source), tcp://host:port, ssl://host:port, ws://host:port/path or
    // wss://host:port/path; normalised (lower-case scheme and host, explicit port, path).
    QUrl connect;
    SourceLocation connectLocation;
    QMap<QString, QString> properties;     // <properties> children, by element name
    AcceptOptions acceptOptions;
    ConnectOptions connectOptions;
    ProxyOptions proxy;                    // proxy: its <properties>, read
    BroadcastOptions broadcast;            // broadcast: its <properties>, read
    ManagementOptions management;          // management: its <properties> and roles, read
    QMap<QString, QString> mimeMappings;   // lower-case extension -> MIME type
    QList<CrossSiteConstraint> crossSiteConstraints; // cross-origin use allowed; none: same origin only
    QString realmName;                     // empty: no login
    std::optional<AuthorizationConstraint> authorization; // with a realm and none: any valid user
    SourceLocation where;

    // The directory service's root, resolved to an absolute path by the loader.
    QString directoryRoot() const { return properties.value(QStringLiteral("directory")); }
};

} // namespace Postern::Config
