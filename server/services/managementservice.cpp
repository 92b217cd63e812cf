#include "services/managementservice.h"

#include "management/managementhub.h"
#include "management/protocol.h"
#include "metrics.h"
#include "sessions/sessionregistry.h"
#include "sessions/websocketsession.h"

namespace Postern::Services {

void ManagementService::upgrade(Frontdoor::PendingUpgrade *upgrade)
{
    WebSocket::Endpoint::Options options = clientEndpointOptions();
    options.maximumMessageSize = Management::kMaximumRequestSize;
    options.maximumPendingOutput = qMax<qint64>(options.maximumPendingOutput, 16 * 1024 * 1024);
    Sessions::WebSocketSession *session = acceptUpgrade(upgrade, {}, options);
    if (!session)
        return;
    context().management->attach(session, config().management);
    session->start();
}

Frontdoor::HttpResponse ManagementService::handleHttp(const Frontdoor::HttpRequestHead &request, const QString &,
                                                      const Frontdoor::ConnectionInfo &)
{
    using Frontdoor::HttpResponse;
    if (request.path != u"/metrics" || !config().management.metrics || !context().metrics)
        return HttpResponse::error(404);
    if (request.method != "GET" && request.method != "HEAD") {
        HttpResponse response = HttpResponse::error(405, QStringLiteral("use GET"));
        response.setHeader("Allow", "GET, HEAD");
        return response;
    }
    HttpResponse response;
    response.setHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    response.setHeader("Cache-Control", "no-store");
    response.body = context().metrics->prometheus(*context().registry, context().serviceNames);
    return response;
}

} // namespace Postern::Services
