#pragma once

// Base of every service type: its configuration, and the two ways a request reaches it —
// a plain HTTP request answered with an HttpResponse, or a WebSocket handshake that the
// service answers (and then runs the session).

#include "config/serviceconfig.h"
#include "frontdoor/connectioninfo.h"
#include "frontdoor/crossoriginpolicy.h"
#include "frontdoor/httprequesthead.h"
#include "frontdoor/httpresponse.h"
#include "services/servicecontext.h"
#include "websocket/endpoint.h"

#include <QObject>

#include <memory>
#include <optional>

namespace Postern::Auth { class Realm; }
namespace Postern::Frontdoor { class PendingUpgrade; }

namespace Postern::Sessions {
class SessionRegistry;
class WebSocketSession;
}

namespace Postern::Services {

class Service : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Service)

public:
    Service(Config::ServiceConfig config, ServiceContext context, QObject *parent = nullptr);
    ~Service() override;

    const Config::ServiceConfig &config() const { return m_config; }
    const QString &name() const { return m_config.name; }
    const Frontdoor::CrossOriginPolicy &crossOrigin() const { return m_crossOrigin; }
    // The realm users of this service log in to; null when it needs no login.
    const Auth::Realm *realm() const { return m_context.realm.get(); }

    // A plain HTTP request, before any login: an answer here (a refusal, or one that needs no
    // login) ends it; nothing lets it go on to the login and handleHttp(). None by default.
    virtual std::optional<Frontdoor::HttpResponse> screen(const Frontdoor::HttpRequestHead &request,
                                                          const Frontdoor::ConnectionInfo &connection) const;

    // A plain HTTP request for `relativePath` (the request path below the accept path).
    virtual Frontdoor::HttpResponse handleHttp(const Frontdoor::HttpRequestHead &request,
                                               const QString &relativePath,
                                               const Frontdoor::ConnectionInfo &connection);

    // A WebSocket handshake the front door has checked; the service must answer it (accept
    // or refuse) now or later. This one refuses: not a WebSocket service.
    virtual void upgrade(Frontdoor::PendingUpgrade *upgrade);

    // The configuration this service belongs to has been applied: the service now takes the
    // requests of its accept URLs. Nothing by default.
    virtual void activate() {}

    // Whether the service's requests and sessions may be served in any worker thread: its
    // state is immutable or thread-safe. Services bound to the main thread (management,
    // broadcast, login, a prepared proxy's pool) say no, and their ports are served there.
    virtual bool runsInWorkers() const { return false; }

    // ws.maximum.sessions: whether the service may open one more session now.
    bool admitsSession() const;
    // Completes the handshake and closes at once with 1013 (try again later): a browser's
    // WebSocket API shows a close code, never an HTTP status. Logged once per interval.
    void refuseOverSessionLimit(Frontdoor::PendingUpgrade *upgrade);

protected:
    const ServiceContext &context() const { return m_context; }
    // The client endpoint's options from this service's accept-options.
    WebSocket::Endpoint::Options clientEndpointOptions() const;
    // Completes the handshake (with `protocol` when not empty) and registers the session,
    // which is set up but not started (session-timeout included). Null when the client left.
    Sessions::WebSocketSession *acceptUpgrade(Frontdoor::PendingUpgrade *upgrade, const QByteArray &protocol,
                                              const WebSocket::Endpoint::Options &options);

private:
    Config::ServiceConfig m_config;
    Frontdoor::CrossOriginPolicy m_crossOrigin;
    ServiceContext m_context;
};

} // namespace Postern::Services
