#pragma once

// Which service answers a request on one listener: by host, longest path prefix (on
// segment boundaries), and whether the request is a WebSocket upgrade.

#include "services/servicefactory.h"

#include <QList>
#include <QString>

#include <optional>

namespace Postern::Frontdoor {

struct RouteMatch
{
    Services::ServicePtr service;
    bool webSocket = false;     // the matched accept is ws/wss
    bool upgradeOnly = false;   // only ws/wss accepts match: a plain request gets 426
    QString relativePath;       // the request path below the accept path, starting with '/'
};

class RouteTable
{
public:
    void add(const QString &host, const QString &path, bool webSocket, Services::ServicePtr service);
    std::optional<RouteMatch> match(const QString &host, const QString &path, bool wantsWebSocket) const;
    bool isEmpty() const { return m_routes.isEmpty(); }
    // The names of the services routed to, once each.
    QStringList serviceNames() const;

private:
    struct Route
    {
        QString host;
        QString path; // without trailing slash, except "/"
        bool webSocket;
        Services::ServicePtr service;
    };
    QList<Route> m_routes;
};

} // namespace Postern::Frontdoor
