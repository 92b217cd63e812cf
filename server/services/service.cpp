#include "services/service.h"

#include "auth/realm.h"
#include "logging.h"
#include "sessions/sessionregistry.h"
#include "sessions/websocketsession.h"

#include <QTcpSocket>
#include <QWebSocket>
#include <QWebSocketServer>

namespace Postern::Services {

namespace {

QString pendingKey(const QHostAddress &peer, quint16 peerPort, quint16 localPort)
{
    return peer.toString() + u'|' + QString::number(peerPort) + u'|' + QString::number(localPort);
}

} // namespace

Service::Service(Config::ServiceConfig config, Sessions::SessionRegistry *registry,
                 std::shared_ptr<const Auth::Realm> realm, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_crossOrigin(m_config), m_realm(std::move(realm)),
      m_registry(registry)
{
    // TLS is terminated by the front door, so the WebSocket layer always runs "non-secure".
    m_webSockets = new QWebSocketServer(QStringLiteral("Postern"), QWebSocketServer::NonSecureMode, this);
    connect(m_webSockets, &QWebSocketServer::newConnection, this, &Service::onNewWebSocket);
    // The front door refuses what it knows Qt would; anything left is logged, not silent.
    connect(m_webSockets, &QWebSocketServer::serverError, this, [this](QWebSocketProtocol::CloseCode code) {
        qCInfo(lcFrontdoor).noquote() << QStringLiteral("service '%1': WebSocket handshake refused (%2): %3")
                                             .arg(m_config.name).arg(int(code)).arg(m_webSockets->errorString());
    });
}

Service::~Service() = default;

Frontdoor::HttpResponse Service::handleHttp(const Frontdoor::HttpRequestHead &, const QString &,
                                            const Frontdoor::ConnectionInfo &)
{
    return Frontdoor::HttpResponse::error(404);
}

void Service::upgrade(QTcpSocket *socket, const Frontdoor::ConnectionInfo &connection)
{
    if (socket->state() != QAbstractSocket::ConnectedState) {
        socket->deleteLater();
        return;
    }
    const QString key = pendingKey(socket->peerAddress(), socket->peerPort(), socket->localPort());
    m_pending.insert(key, {connection, socket});
    socket->setParent(this);
    // A handshake that Qt refuses after all leaves the socket closed: forget and free it.
    connect(socket, &QTcpSocket::disconnected, this, [this, key, socket] {
        if (m_pending.remove(key))
            socket->deleteLater();
    });
    m_webSockets->handleConnection(socket);
}

void Service::onNewWebSocket()
{
    while (QWebSocket *socket = m_webSockets->nextPendingConnection()) {
        const QString key = pendingKey(socket->peerAddress(), socket->peerPort(), socket->localPort());
        Pending pending = m_pending.take(key);
        Frontdoor::ConnectionInfo connection = pending.connection;
        if (connection.peerAddress.isNull()) {
            connection.peerAddress = socket->peerAddress();
            connection.peerPort = socket->peerPort();
        }
        auto *session = new Sessions::WebSocketSession(socket, m_config.name, connection, m_config.acceptOptions);
        if (m_realm && m_realm->sessionTimeout().count() > 0 && connection.loginTime.isValid()) {
            // session-timeout: the login ages from when it was checked, not from now.
            const qint64 remaining = m_realm->sessionTimeout().count()
                - connection.loginTime.msecsTo(QDateTime::currentDateTimeUtc());
            session->closeAfter(std::chrono::milliseconds(qMax<qint64>(remaining, 0)),
                                QStringLiteral("session timeout of realm '%1'").arg(m_realm->name()));
        }
        // QWebSocket does not take the TCP socket as a child: the session must own it, or it
        // would die with this service (a reload replaces services, never their sessions).
        if (pending.socket)
            pending.socket->setParent(session);
        const quint64 id = m_registry->add(session);
        qCDebug(lcSession).noquote() << QStringLiteral("session %1 opened: service '%2', client %3%4")
                                            .arg(id).arg(m_config.name, connection.peer(),
                                                         connection.secure ? u", " + connection.tlsProtocol : QString());
        startSession(session);
    }
}

} // namespace Postern::Services
