#include "services/service.h"

#include "auth/realm.h"
#include "frontdoor/pendingupgrade.h"
#include "frontdoor/refusallog.h"
#include "logging.h"
#include "metrics.h"
#include "sessions/sessionregistry.h"
#include "sessions/websocketsession.h"

namespace Postern::Services {

namespace {
constexpr qint64 kMinimumPendingOutput = 1024 * 1024;
}

Service::Service(Config::ServiceConfig config, ServiceContext context, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_crossOrigin(m_config), m_context(std::move(context))
{
}

Service::~Service() = default;

std::optional<Frontdoor::HttpResponse> Service::screen(const Frontdoor::HttpRequestHead &,
                                                       const Frontdoor::ConnectionInfo &) const
{
    return std::nullopt;
}

Frontdoor::HttpResponse Service::handleHttp(const Frontdoor::HttpRequestHead &, const QString &,
                                            const Frontdoor::ConnectionInfo &)
{
    return Frontdoor::HttpResponse::error(404);
}

void Service::upgrade(Frontdoor::PendingUpgrade *upgrade)
{
    // The router sends no upgrade to an http-only service; be safe anyway.
    upgrade->refuse(404, QStringLiteral("not a WebSocket service"));
}

bool Service::admitsSession() const
{
    const qint64 maximum = m_config.acceptOptions.maximumSessions;
    return maximum <= 0 || !m_context.registry || m_context.registry->count(m_config.name) < maximum;
}

void Service::refuseOverSessionLimit(Frontdoor::PendingUpgrade *upgrade)
{
    const qint64 maximum = m_config.acceptOptions.maximumSessions;
    if (m_context.metrics)
        m_context.metrics->countRefusal(m_config.name, QStringLiteral("session-limit"));
    if (m_context.refusals)
        m_context.refusals->refused(
            u"sessions " + m_config.name,
            QStringLiteral("closed a session of %1 for service '%2' with 1013: it has %3 sessions open "
                           "(ws.maximum.sessions %3); further refusals are summed every %4 s")
                .arg(upgrade->connection().peer(), m_config.name).arg(maximum)
                .arg(qint64(Frontdoor::RefusalLog::kInterval.count())),
            QStringLiteral("closed {count} more sessions for service '%1' with 1013 in the last {seconds} s: "
                           "ws.maximum.sessions %2")
                .arg(m_config.name).arg(maximum));
    WebSocket::Endpoint *endpoint = upgrade->accept({}, clientEndpointOptions());
    if (!endpoint)
        return;
    endpoint->setParent(m_context.registry->ownerIn(endpoint->thread())); // outlives a reload that replaces this service
    connect(endpoint, &WebSocket::Endpoint::disconnected, endpoint, &QObject::deleteLater);
    endpoint->start();
    endpoint->close(WebSocket::CloseCode::TryAgainLater,
                    QStringLiteral("service '%1' has too many sessions; try again later").arg(m_config.name));
}

WebSocket::Endpoint::Options Service::clientEndpointOptions() const
{
    WebSocket::Endpoint::Options options;
    options.maximumMessageSize = m_config.acceptOptions.maximumMessageSize;
    options.inactivityTimeout = m_config.acceptOptions.inactivityTimeout;
    // At most this much may wait unsent for a client that does not read (replies, pongs).
    options.maximumPendingOutput = qMax<qint64>(4 * m_config.acceptOptions.maximumMessageSize, kMinimumPendingOutput);
    return options;
}

Sessions::WebSocketSession *Service::acceptUpgrade(Frontdoor::PendingUpgrade *upgrade, const QByteArray &protocol,
                                                   const WebSocket::Endpoint::Options &options)
{
    if (!admitsSession()) {
        // Checked before the service began too; sessions opened while it reached its back-end.
        refuseOverSessionLimit(upgrade);
        return nullptr;
    }
    const Frontdoor::ConnectionInfo connection = upgrade->connection();
    WebSocket::Endpoint *endpoint = upgrade->accept(protocol, options);
    if (!endpoint)
        return nullptr;
    auto *session = new Sessions::WebSocketSession(endpoint, m_config.name, connection);
    const Auth::Realm *realm = m_context.realm.get();
    if (realm && realm->sessionTimeout().count() > 0 && connection.loginTime.isValid()) {
        // session-timeout: the login ages from when it was checked, not from now.
        const qint64 remaining = realm->sessionTimeout().count()
            - connection.loginTime.msecsTo(QDateTime::currentDateTimeUtc());
        session->closeAfter(std::chrono::milliseconds(qMax<qint64>(remaining, 0)),
                            QStringLiteral("session timeout of realm '%1'").arg(realm->name()));
    }
    const quint64 id = m_context.registry->add(session);
    qCDebug(lcSession).noquote() << QStringLiteral("session %1 opened: service '%2', client %3%4")
                                        .arg(id).arg(m_config.name, connection.peer(),
                                                     connection.secure ? u", " + connection.tlsProtocol : QString());
    return session;
}

} // namespace Postern::Services
