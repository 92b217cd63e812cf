#pragma once

// <type>login</type>: exchanges credentials for the realm's single sign-on cookie, for
// browser pages, which cannot answer a WebSocket handshake's 401 themselves. A page posts the
// credentials (Authorization: Application Basic …, or a token where the realm reads one) and
// gets the cookie; its WebSockets to the realm's services then carry it. GET says who is
// logged in, by the cookie only (credentials on a GET are refused: a link must not log anyone
// in); DELETE logs out: the cookie is revoked on this gateway and the browser forgets it.
//
// Like any login it is guarded: the realm's login-throttle slows guessing down (429), and a
// POST or DELETE is taken only from a page of the service's own origin (Origin) that set the
// header "Postern-Login" — which a form cannot send and a cross-origin script cannot send
// without a preflight the gateway refuses — so that another site cannot log a visitor in as
// someone else, or out.

#include "services/service.h"

namespace Postern::Services {

class LoginService final : public Service
{
    Q_OBJECT

public:
    using Service::Service;

    // The header a POST or DELETE must carry.
    static constexpr const char *kRequestHeader = "Postern-Login";

    std::optional<Frontdoor::HttpResponse> screen(const Frontdoor::HttpRequestHead &request,
                                                  const Frontdoor::ConnectionInfo &connection) const override;
    Frontdoor::HttpResponse handleHttp(const Frontdoor::HttpRequestHead &request, const QString &relativePath,
                                       const Frontdoor::ConnectionInfo &connection) override;
};

} // namespace Postern::Services
