#pragma once

// type "management": the management API's WebSocket (JSON requests, answers and events; see
// docs/management-api.md), served by the gateway's ManagementHub, and GET /metrics in
// Prometheus text on the same addresses.

#include "services/service.h"

namespace Postern::Services {

class ManagementService final : public Service
{
    Q_OBJECT

public:
    using Service::Service;

    void upgrade(Frontdoor::PendingUpgrade *upgrade) override;
    Frontdoor::HttpResponse handleHttp(const Frontdoor::HttpRequestHead &request, const QString &relativePath,
                                       const Frontdoor::ConnectionInfo &connection) override;
};

} // namespace Postern::Services
