#pragma once

// A service's web-origin rules (seed 000: cross-origin access is denied unless allowed).
// Requests without Origin (non-browser clients) and from the service's own origins pass;
// other origins pass only when a <cross-site-constraint> allows them. WebSocket handshakes
// from refused origins get 403 (browsers do not enforce CORS on WebSockets, so the gateway
// must); HTTP services answer CORS preflights and label allowed responses.

#include "config/serviceconfig.h"
#include "frontdoor/httprequesthead.h"
#include "frontdoor/httpresponse.h"

#include <QSet>

namespace Postern::Frontdoor {

class CrossOriginPolicy
{
public:
    enum class Verdict { SameOrigin, Allowed, Refused };

    explicit CrossOriginPolicy(const Config::ServiceConfig &service);

    // No Origin header counts as same origin: only browsers send one.
    Verdict check(const HttpRequestHead &request) const;
    static bool isPreflight(const HttpRequestHead &request);
    // 204 with the allowed methods, headers and max age, or 403 naming what was refused.
    HttpResponse preflight(const HttpRequestHead &request) const;
    // Access-Control-Allow-Origin (and Vary: Origin) on a response to an allowed request.
    void decorate(HttpResponse &response, const HttpRequestHead &request) const;

private:
    const Config::CrossSiteConstraint *constraintFor(const QString &origin) const;

    QSet<QString> m_ownOrigins; // the accepts' origins: ws -> http, wss -> https
    QList<Config::CrossSiteConstraint> m_constraints;
};

} // namespace Postern::Frontdoor
