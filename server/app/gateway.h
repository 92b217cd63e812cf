#pragma once

// The running gateway: its listeners, services and sessions. apply() takes a validated
// configuration and makes it live (on reload: only listeners whose address changed are
// rebound; sessions are never touched); shutdown() drains.
// With <workers> above 1 the main thread is one worker and workers-1 more threads (Worker)
// listen on the same ports (SO_REUSEPORT) for the services that may run there.

#include "app/hostresolver.h"
#include "config/gatewayconfig.h"
#include "frontdoor/listenercontext.h"
#include "logring.h"
#include "management/gatewaycontrol.h"
#include "metrics.h"
#include "services/servicefactory.h"

#include <QHostAddress>
#include <QMap>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <chrono>
#include <expected>
#include <memory>
#include <vector>

namespace Postern::Auth {
class Realm;
class SessionRevocations;
}
namespace Postern::Broadcast { class HubRegistry; }
namespace Postern::Cluster { class ClusterNode; }
namespace Postern::Frontdoor {
class ConnectionLimiter;
class Listener;
}
namespace Postern::Management { class ManagementHub; }
namespace Postern::Sessions { class SessionRegistry; }

namespace Postern::App {

class Worker;

class Gateway final : public QObject, public Management::GatewayControl
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Gateway)

public:
    explicit Gateway(QObject *parent = nullptr);
    ~Gateway() override;

    // Loads the keystore a configuration names, checking it can serve every TLS accept.
    // Warnings (a host no certificate covers) go to `warnings`.
    static std::expected<std::shared_ptr<const Frontdoor::TlsContext>, QStringList>
    loadTls(const Config::GatewayConfig &config, QStringList *warnings);

    // Builds the realms (loading their users and key files; key aliases are looked up in
    // `tls`, which may be null). Plain-text passwords go to `warnings`. Single sign-on
    // cookies without a key file of their own are signed with `sessionSecret` (random
    // when empty, as for --check), and their logouts recorded in `revocations` (one list per
    // realm when null).
    static std::expected<QMap<QString, std::shared_ptr<const Auth::Realm>>, QStringList>
    loadRealms(const Config::GatewayConfig &config, const Frontdoor::TlsContext *tls, QStringList *warnings,
               const QByteArray &sessionSecret = {},
               const std::shared_ptr<Auth::SessionRevocations> &revocations = {});

    // Checks what only resolving accept hosts shows: two spellings of one address (localhost
    // and 127.0.0.1) used with and without TLS, or with different listener options.
    using HostLookup = std::function<std::optional<QList<QHostAddress>>(const QString &host)>;
    static std::expected<void, QStringList> checkListeners(const Config::GatewayConfig &config,
                                                           const HostLookup &lookup = {});

    // Checks that every proxy's back-end settings resolve (connect-options TLS, truststore).
    static std::expected<void, QStringList> checkBackends(const Config::GatewayConfig &config,
                                                          const Frontdoor::TlsContext *tls);
    // Checks that no management service would admit nobody (a realm whose users files are
    // all empty): it fails closed, with the reason.
    static std::expected<void, QStringList> checkManagement(const Config::GatewayConfig &config);

    // Makes `config` live, or changes nothing and returns why not.
    std::expected<void, QStringList> apply(const Config::GatewayConfig &config) { return apply(config, true); }
    // Loads, validates and applies the file; on any error the running configuration stays.
    std::expected<void, QStringList> reload(const QString &path);
    // Stops listening, closes every session with 1001, and emits stopped() once all have
    // ended or `drainTimeout` has passed.
    void shutdown(std::chrono::milliseconds drainTimeout);

    // Management::GatewayControl
    const Config::GatewayConfig &runningConfig() const override { return m_config; }
    std::expected<void, QStringList> applyConfig(const Config::GatewayConfig &config) override;
    std::expected<void, QStringList> checkConfig(const Config::GatewayConfig &config) const override;
    QStringList unresolvedHosts(const Config::GatewayConfig &config) const override;
    void resolveHosts(const QStringList &names, QObject *context, std::function<void()> done) override;
    QList<Listener> listeners() const override;
    QDateTime startedAt() const override { return m_startedAt; }
    Sessions::SessionRegistry *sessions() const override { return m_sessions; }
    LogRing *logRing() const override { return m_logRing; }
    // This gateway as a cluster node; null without <cluster>.
    const Cluster::ClusterNode *cluster() const { return m_cluster; }
    Cluster::ClusterNode *clusterNode() const override { return m_cluster; }
    Metrics *metrics() const override { return const_cast<Metrics *>(&m_metrics); }
    // "ws://localhost:8000 on 127.0.0.1:8000", one per bound socket.
    QStringList listeningDescriptions() const;
    const Config::GatewayConfig &config() const { return m_config; }
    // Threads serving connections, the main thread included (fixed when first applied).
    int workerCount() const { return int(m_workers.size()) + 1; }

Q_SIGNALS:
    void stopped();

private:
    static QByteArray newSessionSecret();
    // `mayWaitForDns`: the configuration file's way; a management change resolves first.
    std::expected<void, QStringList> apply(const Config::GatewayConfig &config, bool mayWaitForDns);
    // A new cluster node for `config` (not started), null when there is none or the running
    // one fits it unchanged; errors name an unreadable password file or a missing truststore.
    std::expected<std::unique_ptr<Cluster::ClusterNode>, QStringList>
    prepareCluster(const Config::GatewayConfig &config, const Frontdoor::TlsContext *tls) const;

    // Ends the worker threads (after their sessions have drained, or not) and says stopped().
    void finishStopping();
    // Stops the worker threads listening on `name` at once: their sockets are shut down here
    // (the kernel refuses new connections from now), and closed by the workers later.
    void stopWorkersListening(const QString &name);

    struct ListenerKey
    {
        QHostAddress address;
        quint16 port;
        QString toString() const;
        bool operator<(const ListenerKey &other) const { return toString() < other.toString(); }
    };

    Config::GatewayConfig m_config;
    QMap<ListenerKey, Frontdoor::Listener *> m_listeners;
    std::vector<std::unique_ptr<Worker>> m_workers; // empty with one worker (the main thread)
    bool m_workersStarted = false;
    QSet<QString> m_shared; // the addresses (ListenerKey::toString()) the worker threads listen on too
    QMap<QString, QList<int>> m_workerSockets; // their listening sockets there, owned by the workers
    QList<Services::ServicePtr> m_services;
    Sessions::SessionRegistry *m_sessions;
    QObject *m_connections; // parent of in-flight front-door connections
    Frontdoor::ConnectionLimiter *m_limiter; // counts every client connection, for the tcp.maximum.* limits
    Metrics m_metrics;
    LogRing *m_logRing;
    Management::ManagementHub *m_management;
    HostResolver *m_resolver;
    Broadcast::HubRegistry *m_broadcasts; // outlives the broadcast services across reloads
    Cluster::ClusterNode *m_cluster = nullptr;
    QDateTime m_startedAt;
    QTimer m_drainTimer;
    bool m_stopping = false;
    bool m_stopped = false;
    // Signs the realms' single sign-on cookies; kept across reloads so logins survive them.
    const QByteArray m_sessionSecret;
    // The cookies logged out since start; kept across reloads so logouts survive them too.
    const std::shared_ptr<Auth::SessionRevocations> m_sessionRevocations;
};

} // namespace Postern::App
