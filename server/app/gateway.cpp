#include "app/gateway.h"

#include "app/logformat.h"
#include "app/worker.h"

#include "auth/realm.h"
#include "broadcast/hubregistry.h"
#include "cluster/clusternode.h"
#include "config/configloader.h"
#include "frontdoor/connectionlimiter.h"
#include "frontdoor/listener.h"
#include "auth/usersfile.h"
#include "logging.h"
#include "management/managementhub.h"
#include "proxy/backendtarget.h"
#include "services/service.h"
#include "sessions/sessionregistry.h"
#include "tls/storecheck.h"
#include "websocket/opcode.h"

#include <QFileInfo>
#include <QHash>
#include <QRandomGenerator>

#include <sys/socket.h>
#include <unistd.h>

namespace Postern::App {

namespace {

// Where the nodes of a cluster tell each other of single sign-on cookies logged out.
const QByteArray kRevocationsChannel = QByteArrayLiteral("postern:sso:revoked");

// Whether the listener for `url` speaks TLS: a wss/https accept does, unless ssl.encryption
// is disabled (a TLS offloader in front sends plain text).
bool isSecure(const QUrl &url, const Config::AcceptOptions &options)
{
    return (url.scheme() == u"wss" || url.scheme() == u"https") && options.sslEncryption;
}

// A keystore or truststore with the password from its password file.
std::expected<Tls::Keystore, QString> loadStore(const Config::KeystoreConfig &store)
{
    const auto password = Tls::Keystore::readPasswordFile(store.passwordFile);
    if (!password)
        return std::unexpected(password.error());
    return Tls::Keystore::load(store.file, *password);
}

} // namespace

QString Gateway::ListenerKey::toString() const
{
    return (address.protocol() == QAbstractSocket::IPv6Protocol ? u'[' + address.toString() + u']'
                                                                 : address.toString())
        + u':' + QString::number(port);
}

QByteArray Gateway::newSessionSecret()
{
    QByteArray secret(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(secret.data()), secret.size() / 4);
    return secret;
}

Gateway::Gateway(QObject *parent)
    : QObject(parent), m_sessions(new Sessions::SessionRegistry(this)), m_connections(new QObject(this)),
      m_limiter(new Frontdoor::ConnectionLimiter(this)),
      m_logRing(new LogRing(2000, this)), m_management(new Management::ManagementHub(this, this)),
      m_resolver(new HostResolver(this)), m_broadcasts(new Broadcast::HubRegistry(&m_metrics, this)), m_startedAt(QDateTime::currentDateTimeUtc()), m_sessionSecret(newSessionSecret()),
      m_sessionRevocations(std::make_shared<Auth::SessionRevocations>())
{
    // A logout on this node is told to the others, whose copies of the cookie then fail too.
    m_sessionRevocations->setListener([this](const QByteArray &identity, const QDateTime &expires) {
        if (m_cluster)
            m_cluster->publish(kRevocationsChannel,
                               QByteArray::number(expires.toMSecsSinceEpoch()) + ' ' + identity.toBase64());
    });
    m_drainTimer.setSingleShot(true);
    connect(&m_drainTimer, &QTimer::timeout, this, [this] {
        qCWarning(lcGateway) << m_sessions->count() << "session(s) did not close in time; stopping anyway";
        finishStopping();
    });
}

Gateway::~Gateway()
{
    m_workers.clear(); // joins the threads while what they use (registry, limiter) still exists
}

std::expected<std::shared_ptr<const Frontdoor::TlsContext>, QStringList>
Gateway::loadTls(const Config::GatewayConfig &config, QStringList *warnings)
{
    if (!config.keystore && !config.truststore)
        return std::shared_ptr<const Frontdoor::TlsContext>();
    Tls::Keystore keystore;
    if (config.keystore) {
        auto loaded = loadStore(*config.keystore);
        if (!loaded)
            return std::unexpected(QStringList{loaded.error()});
        keystore = std::move(*loaded);
    }
    if (config.needsTls() && !keystore.firstKeyEntry())
        return std::unexpected(QStringList{
            QStringLiteral("keystore '%1' has no certificate with a private key; wss and https accepts need one")
                .arg(config.keystore ? config.keystore->file : QStringLiteral("(none configured)"))});
    if (warnings && config.keystore) {
        for (const QString &path : {config.keystore->file, config.keystore->passwordFile}) {
            const QFile::Permissions others = QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther;
            if (QFileInfo(path).permissions() & others)
                warnings->append(QStringLiteral("'%1' can be read or written by users other than its owner; "
                                                "it protects private keys (chmod 600 it)")
                                     .arg(path));
        }
        // The same findings postern-keytool check reports, with the default 30-day horizon.
        if (const Tls::KeystoreEntry *first = keystore.firstKeyEntry())
            for (const auto &finding : Tls::StoreCheck::checkHosts(keystore, config))
                warnings->append(finding.message + QStringLiteral("; clients will see the certificate of '%1'")
                                                       .arg(first->alias()));
        for (const auto &finding : Tls::StoreCheck::check(keystore, 30))
            warnings->append(QStringLiteral("keystore: ") + finding.message);
    }
    Tls::Keystore truststore;
    if (config.truststore) {
        auto loaded = loadStore(*config.truststore);
        if (!loaded)
            return std::unexpected(QStringList{QStringLiteral("truststore: ") + loaded.error()});
        truststore = std::move(*loaded);
        if (std::none_of(truststore.entries().cbegin(), truststore.entries().cend(),
                         [](const Tls::KeystoreEntry &entry) { return !entry.hasPrivateKey(); }))
            return std::unexpected(QStringList{QStringLiteral("truststore '%1' holds no trusted certificate "
                                                              "(add one with postern-keytool trust)")
                                                   .arg(config.truststore->file)});
    }
    return std::make_shared<const Frontdoor::TlsContext>(std::move(keystore), std::move(truststore));
}

std::expected<QMap<QString, std::shared_ptr<const Auth::Realm>>, QStringList>
Gateway::loadRealms(const Config::GatewayConfig &config, const Frontdoor::TlsContext *tls, QStringList *warnings,
                    const QByteArray &sessionSecret, const std::shared_ptr<Auth::SessionRevocations> &revocations)
{
    const Auth::RealmKeys keys{tls ? &tls->keystore() : nullptr, tls ? &tls->truststore() : nullptr,
                               sessionSecret.isEmpty() ? newSessionSecret() : sessionSecret, revocations};
    QMap<QString, std::shared_ptr<const Auth::Realm>> realms;
    QStringList errors;
    for (const auto &realmConfig : config.realms) {
        auto realm = Auth::Realm::create(realmConfig, keys, warnings);
        if (realm)
            realms.insert(realmConfig.name, *realm);
        else
            errors << realm.error();
    }
    if (!errors.isEmpty())
        return std::unexpected(errors);
    return realms;
}

std::expected<void, QStringList> Gateway::checkListeners(const Config::GatewayConfig &config, const HostLookup &lookup)
{
    struct Use
    {
        bool secure;
        QString service;
        QUrl url;
        Config::AcceptOptions options;
    };
    QMap<ListenerKey, Use> uses;
    QStringList errors;
    for (const auto &service : config.services) {
        if (!service.enabled)
            continue;
        for (const QUrl &url : service.accepts) {
            const auto addresses = lookup ? lookup(url.host()) : HostResolver::lookUpNow(url.host());
            if (!addresses) {
                errors << QStringLiteral("host '%1' of accept %2 (service '%3') has not been resolved yet")
                              .arg(url.host(), url.toString(), service.name);
                continue;
            }
            if (addresses->isEmpty()) {
                errors << QStringLiteral("cannot resolve host '%1' of accept %2 (service '%3')")
                              .arg(url.host(), url.toString(), service.name);
                continue;
            }
            for (const QHostAddress &address : *addresses) {
                const ListenerKey key{address, quint16(url.port())};
                const auto existing = uses.constFind(key);
                if (existing == uses.cend()) {
                    uses.insert(key, {isSecure(url, service.acceptOptions), service.name, url, service.acceptOptions});
                } else if (existing->secure != isSecure(url, service.acceptOptions)) {
                    errors << QStringLiteral("accept %1 (service '%2') and accept %3 (service '%4') both bind %5, "
                                             "one with TLS and one without")
                                  .arg(url.toString(), service.name, existing->url.toString(), existing->service,
                                       key.toString());
                } else if (!existing->options.sameListenerOptions(service.acceptOptions)) {
                    errors << QStringLiteral("accept %1 (service '%2') and accept %3 (service '%4') both bind %5 but "
                                             "differ in an option of the port (http.keepalive.timeout, "
                                             "http.request.head.*, http.write.timeout, tcp.*, ssl.*)")
                                  .arg(url.toString(), service.name, existing->url.toString(), existing->service,
                                       key.toString());
                }
            }
        }
    }
    for (auto it = uses.cbegin(); it != uses.cend(); ++it) {
        if (!it->secure)
            continue;
        if (const auto settings = Frontdoor::TlsSettings::resolve(it->options); !settings)
            errors << QStringLiteral("accept %1 (service '%2'): %3").arg(it->url.toString(), it->service, settings.error());
    }
    // A listener on every address of a port leaves that port to nobody else.
    for (auto it = uses.cbegin(); it != uses.cend(); ++it) {
        if (!(it.key().address == QHostAddress::AnyIPv4 || it.key().address == QHostAddress::AnyIPv6
              || it.key().address == QHostAddress::Any))
            continue;
        for (auto other = uses.cbegin(); other != uses.cend(); ++other) {
            if (other.key().port == it.key().port && !(other.key().address == it.key().address))
                errors << QStringLiteral("accept %1 (service '%2') binds every address on port %3, so accept %4 "
                                         "(service '%5') cannot have a listener of its own there")
                              .arg(it->url.toString(), it->service).arg(it.key().port)
                              .arg(other->url.toString(), other->service);
        }
    }
    errors.removeDuplicates(); // localhost binds two addresses; say it once
    if (!errors.isEmpty())
        return std::unexpected(errors);
    return {};
}

std::expected<void, QStringList> Gateway::checkBackends(const Config::GatewayConfig &config,
                                                        const Frontdoor::TlsContext *tls)
{
    QStringList errors;
    for (const auto &service : config.services)
        if (service.type == u"proxy" || (service.type == u"broadcast" && !service.connect.isEmpty()))
            if (const auto target = Proxy::BackendTarget::resolve(service, tls); !target)
                errors << target.error();
    if (!errors.isEmpty())
        return std::unexpected(errors);
    return {};
}

std::expected<void, QStringList> Gateway::checkManagement(const Config::GatewayConfig &config)
{
    QStringList errors;
    for (const auto &service : config.services) {
        if (service.type != u"management" || !service.enabled)
            continue;
        const Config::RealmConfig *realm = config.realm(service.realmName);
        if (!realm)
            continue; // the loader has said so
        bool onlyFiles = true;
        qsizetype users = 0;
        for (const auto &module : realm->loginModules) {
            if (module.type != u"file") {
                onlyFiles = false;
                continue;
            }
            if (const auto file = Auth::UsersFile::load(module.options.value(QStringLiteral("file"))))
                users += file->size();
        }
        if (onlyFiles && users == 0)
            errors << QStringLiteral("management service '%1' would admit nobody: realm '%2' has no users (add one to its "
                                     "users file with a password from postern-keytool hash-password)")
                          .arg(service.name, realm->name);
    }
    if (!errors.isEmpty())
        return std::unexpected(errors);
    return {};
}

std::expected<void, QStringList> Gateway::applyConfig(const Config::GatewayConfig &config)
{
    const Config::GatewayConfig copy = config; // it may be m_config itself, which apply() replaces
    return apply(copy, false);
}

QStringList Gateway::unresolvedHosts(const Config::GatewayConfig &config) const
{
    QStringList names;
    for (const auto &service : config.services)
        if (service.enabled)
            for (const QUrl &url : service.accepts)
                if (m_resolver->needsLookup(url.host()) && !names.contains(url.host()))
                    names.append(url.host());
    return names;
}

void Gateway::resolveHosts(const QStringList &names, QObject *context, std::function<void()> done)
{
    m_resolver->resolve(names, context, std::move(done));
}

std::expected<void, QStringList> Gateway::checkConfig(const Config::GatewayConfig &config) const
{
    QStringList errors;
    QStringList warnings;
    const auto tls = loadTls(config, &warnings);
    if (!tls)
        errors << tls.error();
    if (const auto listeners = checkListeners(config, [this](const QString &host) { return m_resolver->addresses(host, false); });
        !listeners)
        errors << listeners.error();
    if (const auto realms = loadRealms(config, tls ? tls->get() : nullptr, &warnings); !realms)
        errors << realms.error();
    if (const auto backends = checkBackends(config, tls ? tls->get() : nullptr); !backends)
        errors << backends.error();
    if (const auto management = checkManagement(config); !management)
        errors << management.error();
    if (!errors.isEmpty())
        return std::unexpected(errors);
    return {};
}

QList<Management::GatewayControl::Listener> Gateway::listeners() const
{
    QList<Listener> listeners;
    for (auto it = m_listeners.cbegin(); it != m_listeners.cend(); ++it)
        listeners.append({it.key().toString(), it.value()->context()->displayName, it.value()->context()->routes.serviceNames()});
    return listeners;
}

std::expected<void, QStringList> Gateway::apply(const Config::GatewayConfig &config, bool mayWaitForDns)
{
    const HostLookup lookup = [this, mayWaitForDns](const QString &host) { return m_resolver->addresses(host, mayWaitForDns); };
    if (m_stopping)
        return std::unexpected(QStringList{QStringLiteral("the gateway is stopping")});
    QStringList warnings;
    const auto tls = loadTls(config, &warnings);
    if (!tls)
        return std::unexpected(tls.error());
    for (const QString &warning : std::as_const(warnings))
        qCWarning(lcTls).noquote() << warning;

    if (const auto listeners = checkListeners(config, lookup); !listeners)
        return listeners;
    QStringList realmWarnings;
    const auto realms = loadRealms(config, tls->get(), &realmWarnings, m_sessionSecret, m_sessionRevocations);
    if (!realms)
        return std::unexpected(realms.error());
    for (const QString &warning : std::as_const(realmWarnings))
        qCWarning(lcGateway).noquote() << warning;

    if (const auto backends = checkBackends(config, tls->get()); !backends)
        return backends;
    if (const auto management = checkManagement(config); !management)
        return management;
    auto cluster = prepareCluster(config, tls->get());
    if (!cluster)
        return std::unexpected(cluster.error());

    // Build the new services and one context per bound address.
    QList<Services::ServicePtr> services;
    QMap<ListenerKey, std::shared_ptr<Frontdoor::ListenerContext>> contexts;
    QHash<QString, QString> mainOnly; // addresses with a service that must run in the main thread: which one
    QSet<QString> workerCapable; // addresses with a service that could run in every worker
    for (const auto &serviceConfig : config.services) {
        if (!serviceConfig.enabled)
            continue; // validated with the rest, not started
        QString error;
        Services::ServiceContext context;
        context.registry = m_sessions;
        context.realm = realms->value(serviceConfig.realmName);
        context.tls = tls->get();
        context.metrics = &m_metrics;
        context.management = m_management;
        context.broadcasts = m_broadcasts;
        context.refusals = m_limiter->refusalLog();
        for (const auto &service : config.services)
            context.serviceNames.append(service.name);
        Services::ServicePtr service = Services::createService(serviceConfig, context, &error);
        if (!service)
            return std::unexpected(QStringList{error}); // checkBackends() said it would build
        services.append(service);
        for (const QUrl &url : serviceConfig.accepts) {
            for (const QHostAddress &address : lookup(url.host()).value_or(QList<QHostAddress>())) {
                const ListenerKey key{address, quint16(url.port())};
                auto &context = contexts[key];
                if (!context) {
                    context = std::make_shared<Frontdoor::ListenerContext>();
                    context->secure = isSecure(url, serviceConfig.acceptOptions);
                    context->secureScheme = url.scheme() == u"wss" || url.scheme() == u"https";
                    // Checked by checkListeners() above, so it resolves.
                    context->tlsSettings = *Frontdoor::TlsSettings::resolve(serviceConfig.acceptOptions);
                    context->defaultHost = url.host();
                    context->displayName = QStringLiteral("%1:%2%3").arg(url.host()).arg(url.port())
                                               .arg(context->secure ? u" (TLS)" : u"");
                    context->options = serviceConfig.acceptOptions;
                    context->tls = *tls;
                    context->metrics = &m_metrics;
                    context->limiter = m_limiter;
                }
                context->routes.add(url.host(), url.path(), url.scheme().startsWith(u"ws"), service);
                if (service->runsInWorkers())
                    workerCapable.insert(key.toString());
                else if (!mainOnly.contains(key.toString()))
                    mainOnly.insert(key.toString(), QStringLiteral("'%1' (%2)").arg(serviceConfig.name, serviceConfig.type));
                // A management service also answers GET /metrics on its addresses.
                if (serviceConfig.type == u"management" && serviceConfig.management.metrics)
                    context->routes.add(url.host(), QStringLiteral("/metrics"), false, service);
            }
        }
    }

    // The number of threads is fixed when the gateway starts.
    const int workers = m_workersStarted ? workerCount() : config.workerCount();
    if (m_workersStarted && config.workerCount() != workers)
        qCWarning(lcGateway).noquote() << QStringLiteral("<workers> changed from %1 to %2: that takes effect at the next "
                                                         "start; %1 thread(s) serve connections until then")
                                              .arg(workers).arg(config.workerCount());
    const auto shared = [&](const ListenerKey &key) { return workers > 1 && !mainOnly.contains(key.toString()); };
    if (workers > 1) {
        // An administrator who configured threads should see where they do not apply: an
        // address whose echo, directory or proxy services share it with one that runs in the
        // main thread only.
        QSet<QString> told;
        for (auto it = contexts.cbegin(); it != contexts.cend(); ++it) {
            const QString service = mainOnly.value(it.key().toString());
            const QString &name = it.value()->displayName;
            if (service.isEmpty() || !workerCapable.contains(it.key().toString()) || told.contains(name))
                continue;
            told.insert(name);
            qCInfo(lcGateway).noquote() << QStringLiteral("%1 is served by the main thread alone: service %2 runs "
                                                          "only there (docs/performance.md); give services that "
                                                          "carry traffic a port of their own to use all %3 threads")
                                               .arg(name, service).arg(workers);
        }
    }

    // Bind what is new before touching what runs, so a failure changes nothing. Each worker
    // thread gets a socket of its own on a shared address (the descriptor is handed over).
    QMap<ListenerKey, Frontdoor::Listener *> started;
    QMap<QString, QList<int>> workerSockets;
    QStringList errors;
    for (auto it = contexts.cbegin(); it != contexts.cend(); ++it) {
        if (!m_listeners.contains(it.key())) {
            auto *listener = new Frontdoor::Listener(it.value(), m_connections, this);
            const auto socket = Frontdoor::Listener::openSocket(it.key().address, it.key().port, workers > 1);
            if (socket) {
                listener->start(*socket);
                started.insert(it.key(), listener);
            } else {
                const bool optionalLoopback = it.key().address == QHostAddress(QHostAddress::LocalHostIPv6)
                    && it.value()->defaultHost == u"localhost";
                if (optionalLoopback) {
                    qCInfo(lcGateway).noquote() << QStringLiteral("not listening on %1 (IPv6 loopback unavailable: %2)")
                                                       .arg(it.key().toString(), socket.error());
                } else {
                    errors << QStringLiteral("cannot listen on %1 for %2: %3")
                                  .arg(it.key().toString(), it.value()->displayName, socket.error());
                }
                delete listener;
                continue;
            }
        }
        if (!shared(it.key()) || m_shared.contains(it.key().toString()))
            continue;
        QList<int> &sockets = workerSockets[it.key().toString()];
        for (int i = 1; i < workers; ++i) {
            const auto socket = Frontdoor::Listener::openSocket(it.key().address, it.key().port, true);
            if (!socket) {
                errors << QStringLiteral("cannot listen on %1 for %2 in worker thread %3: %4")
                              .arg(it.key().toString(), it.value()->displayName).arg(i).arg(socket.error());
                break;
            }
            sockets.append(*socket);
        }
    }
    if (!errors.isEmpty()) {
        qDeleteAll(started);
        for (const QList<int> &sockets : std::as_const(workerSockets))
            for (const int socket : sockets)
                ::close(socket);
        return std::unexpected(errors);
    }

    if (!m_workersStarted) {
        m_workersStarted = true;
        for (int i = 1; i < workers; ++i)
            m_workers.push_back(std::make_unique<Worker>(QStringLiteral("postern-worker-%1").arg(i), m_sessions));
        if (workers > 1)
            qCInfo(lcGateway).noquote() << QStringLiteral("%1 threads serve connections").arg(workers);
    }
    // The worker threads follow the main thread's listeners: new ones, new contexts, gone ones.
    const auto followInWorkers = [&](const ListenerKey &key, const Frontdoor::ListenerContextPtr &context) {
        const QString name = key.toString();
        const bool wasShared = m_shared.contains(name);
        const bool isShared = context && shared(key);
        if (wasShared && !isShared) {
            stopWorkersListening(name);
            return;
        }
        for (std::size_t i = 0; i < m_workers.size() && isShared; ++i) {
            if (wasShared)
                m_workers[i]->setContext(name, context);
            else
                m_workers[i]->listen(name, context, workerSockets.value(name).at(qsizetype(i)));
        }
        if (isShared && !wasShared) {
            m_shared.insert(name);
            m_workerSockets.insert(name, workerSockets.value(name));
        }
    };
    for (auto it = m_listeners.begin(); it != m_listeners.end();) {
        const auto context = contexts.value(it.key());
        followInWorkers(it.key(), context);
        if (context) {
            it.value()->setContext(context);
            ++it;
        } else {
            qCInfo(lcGateway).noquote() << "stopped listening on" << it.key().toString();
            it.value()->stop();
            it.value()->deleteLater();
            it = m_listeners.erase(it);
        }
    }
    for (auto it = started.cbegin(); it != started.cend(); ++it) {
        m_listeners.insert(it.key(), it.value());
        followInWorkers(it.key(), contexts.value(it.key()));
    }
    m_services = services;
    m_config = config;
    setLogLevels(config.logging.levels);
    if (*cluster || !config.cluster) {
        // A new node (or none): the old one leaves once the hubs have let go of it.
        Cluster::ClusterNode *old = m_cluster;
        m_cluster = cluster->release();
        m_broadcasts->setCluster(m_cluster);
        if (old)
            old->deleteLater();
        if (m_cluster) {
            m_cluster->setParent(this);
            m_cluster->subscribe(kRevocationsChannel, this, [this](const QByteArray &message) {
                const qsizetype space = message.indexOf(' ');
                bool ok = false;
                const qint64 expires = message.left(space).toLongLong(&ok);
                if (space <= 0 || !ok)
                    return;
                const auto identity = QByteArray::fromBase64Encoding(message.mid(space + 1), QByteArray::AbortOnBase64DecodingErrors);
                if (identity && !identity.decoded.isEmpty())
                    m_sessionRevocations->revoke(identity.decoded, QDateTime::fromMSecsSinceEpoch(expires, Qt::UTC),
                                                 QDateTime::currentDateTimeUtc(), false);
            });
            m_cluster->start();
            qCInfo(lcCluster).noquote() << QStringLiteral("cluster node '%1', meeting the others through %2")
                                               .arg(m_cluster->name(), m_cluster->config().redis.toString());
        }
    }
    QStringList broadcasts;
    for (const auto &service : std::as_const(m_services)) {
        service->activate();
        if (service->config().type == u"broadcast")
            broadcasts.append(service->name());
    }
    m_broadcasts->retain(broadcasts);
    // Consoles keep only the rights the new configuration (and users files) give them.
    m_management->reauthorize();
    return {};
}

std::expected<std::unique_ptr<Cluster::ClusterNode>, QStringList>
Gateway::prepareCluster(const Config::GatewayConfig &config, const Frontdoor::TlsContext *tls) const
{
    if (!config.cluster)
        return std::unique_ptr<Cluster::ClusterNode>();
    const Config::ClusterConfig &cluster = *config.cluster;
    QByteArray password;
    if (!cluster.passwordFile.isEmpty()) {
        QFile file(cluster.passwordFile);
        if (!file.open(QIODevice::ReadOnly))
            return std::unexpected(QStringList{QStringLiteral("cluster password file '%1': %2")
                                                   .arg(cluster.passwordFile, file.errorString())});
        password = file.readAll();
        if (password.endsWith('\n'))
            password.chop(1);
        if (password.endsWith('\r'))
            password.chop(1);
        if (password.isEmpty())
            return std::unexpected(QStringList{QStringLiteral("cluster password file '%1' is empty").arg(cluster.passwordFile)});
    }
    QSslConfiguration ssl;
    if (cluster.isTls()) {
        if (!tls || tls->trusted().isEmpty())
            return std::unexpected(QStringList{QStringLiteral("cluster connect %1 needs a truststore with the Redis "
                                                              "server's CA").arg(cluster.redis.toString())});
        ssl = QSslConfiguration::defaultConfiguration();
        ssl.setCaCertificates(tls->trusted()); // only the truststore, never the system's CAs
        ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);
        ssl.setProtocol(QSsl::TlsV1_2OrLater);
    }
    // The running node stays when nothing it was made from changed.
    if (m_cluster) {
        const Config::ClusterConfig &running = m_cluster->config();
        if (running.nodeName == cluster.nodeName && running.redis == cluster.redis && running.user == cluster.user
            && m_cluster->password() == password && m_cluster->tls().caCertificates() == ssl.caCertificates())
            return std::unique_ptr<Cluster::ClusterNode>();
    }
    return std::make_unique<Cluster::ClusterNode>(cluster, password, ssl);
}

std::expected<void, QStringList> Gateway::reload(const QString &path)
{
    const auto config = Config::ConfigLoader::loadFile(path);
    if (!config) {
        QStringList errors;
        for (const auto &error : config.error())
            errors << error.toString();
        return std::unexpected(errors);
    }
    m_resolver->forgetAll(); // the file is read afresh, and so is DNS
    return apply(*config);
}

void Gateway::shutdown(std::chrono::milliseconds drainTimeout)
{
    if (m_stopping)
        return;
    m_stopping = true;
    for (auto *listener : std::as_const(m_listeners)) {
        listener->stop();
        listener->deleteLater();
    }
    m_listeners.clear();
    for (const QString &name : QStringList(m_shared.cbegin(), m_shared.cend()))
        stopWorkersListening(name);
    if (m_sessions->count() == 0) {
        finishStopping();
        return;
    }
    qCInfo(lcGateway) << "closing" << m_sessions->count() << "session(s)";
    // Sessions can end inside closeAll() (or in a worker thread): the registry's empty() is
    // handled in this thread's event loop.
    connect(m_sessions, &Sessions::SessionRegistry::empty, this, &Gateway::finishStopping, Qt::QueuedConnection);
    m_drainTimer.start(drainTimeout);
    m_sessions->closeAll(WebSocket::CloseCode::GoingAway, QStringLiteral("gateway shutting down"));
}

void Gateway::stopWorkersListening(const QString &name)
{
    for (const int socket : m_workerSockets.take(name))
        ::shutdown(socket, SHUT_RDWR);
    for (const auto &worker : m_workers)
        worker->stopListening(name);
    m_shared.remove(name);
}

void Gateway::finishStopping()
{
    if (m_stopped)
        return;
    m_stopped = true;
    m_drainTimer.stop();
    // The threads are idle once their sessions have drained; what a late one still holds
    // is destroyed with its thread.
    m_workers.clear();
    // stopped() is always delivered from the event loop.
    QMetaObject::invokeMethod(this, &Gateway::stopped, Qt::QueuedConnection);
}

QStringList Gateway::listeningDescriptions() const
{
    QStringList lines;
    for (auto it = m_listeners.cbegin(); it != m_listeners.cend(); ++it)
        lines << QStringLiteral("%1 on %2").arg(it.value()->context()->displayName, it.key().toString());
    return lines;
}

} // namespace Postern::App
