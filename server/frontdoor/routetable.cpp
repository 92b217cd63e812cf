#include "frontdoor/routetable.h"

#include "services/service.h"

namespace Postern::Frontdoor {

namespace {

bool pathMatches(const QString &routePath, const QString &requestPath)
{
    if (routePath == u"/")
        return true;
    return requestPath == routePath
        || (requestPath.startsWith(routePath) && requestPath.at(routePath.size()) == u'/');
}

} // namespace

void RouteTable::add(const QString &host, const QString &path, bool webSocket, Services::ServicePtr service)
{
    QString normalised = path;
    while (normalised.size() > 1 && normalised.endsWith(u'/'))
        normalised.chop(1);
    m_routes.append({host.toLower(), normalised, webSocket, std::move(service)});
}

QStringList RouteTable::serviceNames() const
{
    QStringList names;
    for (const Route &route : m_routes)
        if (!names.contains(route.service->name()))
            names.append(route.service->name());
    return names;
}

std::optional<RouteMatch> RouteTable::match(const QString &host, const QString &path, bool wantsWebSocket) const
{
    QList<const Route *> candidates;
    for (const Route &route : m_routes)
        if (pathMatches(route.path, path))
            candidates.append(&route);
    if (candidates.isEmpty())
        return std::nullopt;
    // Services named for this host win; otherwise any service on this address answers,
    // so that 127.0.0.1 and localhost reach the same gateway.
    QList<const Route *> forHost;
    for (const Route *route : std::as_const(candidates))
        if (route->host == host)
            forHost.append(route);
    if (!forHost.isEmpty())
        candidates = forHost;
    qsizetype longest = 0;
    for (const Route *route : std::as_const(candidates))
        longest = qMax(longest, route->path.size());
    const Route *webSocket = nullptr;
    const Route *http = nullptr;
    for (const Route *route : std::as_const(candidates)) {
        if (route->path.size() != longest)
            continue;
        (route->webSocket ? webSocket : http) = route;
    }
    const Route *chosen = wantsWebSocket && webSocket ? webSocket : http ? http : webSocket;
    RouteMatch match;
    match.service = chosen->service;
    match.webSocket = chosen->webSocket;
    match.upgradeOnly = !http;
    match.relativePath = chosen->path == u"/" ? path : path.mid(chosen->path.size());
    if (match.relativePath.isEmpty())
        match.relativePath = QStringLiteral("/");
    return match;
}

} // namespace Postern::Frontdoor
