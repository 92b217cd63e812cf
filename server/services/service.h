#pragma once

// Base of every service type: its configuration, and the two ways a request reaches it —
// a plain HTTP request answered with an HttpResponse, or a WebSocket upgrade after which
// the service runs the session.

#include "config/serviceconfig.h"
#include "frontdoor/connectioninfo.h"
#include "frontdoor/crossoriginpolicy.h"
#include "frontdoor/httprequesthead.h"
#include "frontdoor/httpresponse.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <memory>

class QTcpSocket;
class QWebSocket;
class QWebSocketServer;

namespace Postern::Auth { class Realm; }

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
    Service(Config::ServiceConfig config, Sessions::SessionRegistry *registry,
            std::shared_ptr<const Auth::Realm> realm = {}, QObject *parent = nullptr);
    ~Service() override;

    const Config::ServiceConfig &config() const { return m_config; }
    const QString &name() const { return m_config.name; }
    const Frontdoor::CrossOriginPolicy &crossOrigin() const { return m_crossOrigin; }
    // The realm users of this service log in to; null when it needs no login.
    const Auth::Realm *realm() const { return m_realm.get(); }

    // A plain HTTP request for `relativePath` (the request path below the accept path).
    virtual Frontdoor::HttpResponse handleHttp(const Frontdoor::HttpRequestHead &request,
                                               const QString &relativePath,
                                               const Frontdoor::ConnectionInfo &connection);

    // Takes over `socket`, whose unread data starts with an upgrade request that the front
    // door has already validated, and completes the WebSocket handshake.
    void upgrade(QTcpSocket *socket, const Frontdoor::ConnectionInfo &connection);

protected:
    // A session whose handshake completed, already registered; the service gives it behaviour.
    virtual void startSession(Sessions::WebSocketSession *session) = 0;

private:
    void onNewWebSocket();

    Config::ServiceConfig m_config;
    Frontdoor::CrossOriginPolicy m_crossOrigin;
    std::shared_ptr<const Auth::Realm> m_realm;
    Sessions::SessionRegistry *m_registry;
    QWebSocketServer *m_webSockets = nullptr;
    // Connections between upgrade() and the completed handshake, by peer and local port.
    struct Pending
    {
        Frontdoor::ConnectionInfo connection;
        QPointer<QTcpSocket> socket;
    };
    QHash<QString, Pending> m_pending;
};

} // namespace Postern::Services
