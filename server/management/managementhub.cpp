#include "management/managementhub.h"

#include "app/logformat.h"
#include "config/loggingconfig.h"

#include "auth/usersfile.h"
#include "logging.h"
#include "management/gatewaycontrol.h"
#include "management/managementrequest.h"
#include "management/protocol.h"
#include "management/servermessage.h"
#include "management/sessionoperations.h"
#include "sessions/sessionregistry.h"
#include "sessions/websocketsession.h"
#include "util/scopedumask.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace Postern::Management {

namespace {

// Requests a console may send: a burst of this many, refilled at this rate per second.
constexpr double kBurst = 50;
constexpr double kRefillPerSecond = 20;
const QStringList kTopics = {QStringLiteral("sessions"), QStringLiteral("counters"), QStringLiteral("logs"),
                             QStringLiteral("config"), QStringLiteral("audit")};
// A console that asks for this many changes it may not make is closed: a few are mistakes,
// more are probing, and each is written to the audit log.
constexpr int kMaximumRefusedChanges = 10;
// At most this many host names are resolved for one change.
constexpr qsizetype kMaximumNewHosts = 64;

// What an audit entry shows of each change's params: these, within limits. Any other param
// (a password, a key, a PKCS#12 file, a configuration text) is recorded as "(not logged)".
const QHash<QString, QStringList> kAuditedParams = {
    {QStringLiteral("services.create"), {QStringLiteral("revision"), QStringLiteral("service")}},
    {QStringLiteral("services.update"), {QStringLiteral("revision"), QStringLiteral("name"), QStringLiteral("service")}},
    {QStringLiteral("services.delete"), {QStringLiteral("revision"), QStringLiteral("name")}},
    {QStringLiteral("services.enable"), {QStringLiteral("revision"), QStringLiteral("name")}},
    {QStringLiteral("services.disable"), {QStringLiteral("revision"), QStringLiteral("name")}},
    {QStringLiteral("sessions.close"), {QStringLiteral("ids"), QStringLiteral("user"), QStringLiteral("reason"),
                                        QStringLiteral("code"), QStringLiteral("node")}},
    {QStringLiteral("certificates.generate"), {QStringLiteral("store"), QStringLiteral("alias"), QStringLiteral("commonName"),
                                              QStringLiteral("dns"), QStringLiteral("ip"), QStringLiteral("days"),
                                              QStringLiteral("keyType"), QStringLiteral("replace")}},
    {QStringLiteral("certificates.import"), {QStringLiteral("store"), QStringLiteral("alias"), QStringLiteral("replace")}},
    {QStringLiteral("certificates.csr"), {QStringLiteral("alias"), QStringLiteral("commonName"), QStringLiteral("dns"),
                                         QStringLiteral("ip"), QStringLiteral("keyType")}},
    {QStringLiteral("certificates.installReply"), {QStringLiteral("alias")}},
    {QStringLiteral("certificates.export"), {QStringLiteral("store"), QStringLiteral("alias"), QStringLiteral("format"),
                                            QStringLiteral("chain")}},
    {QStringLiteral("certificates.delete"), {QStringLiteral("store"), QStringLiteral("alias"), QStringLiteral("force")}},
    {QStringLiteral("certificates.rename"), {QStringLiteral("store"), QStringLiteral("alias"), QStringLiteral("newAlias")}},
    {QStringLiteral("users.add"), {QStringLiteral("realm"), QStringLiteral("name"), QStringLiteral("roles")}},
    {QStringLiteral("users.setPassword"), {QStringLiteral("realm"), QStringLiteral("name")}},
    {QStringLiteral("users.setRoles"), {QStringLiteral("realm"), QStringLiteral("name"), QStringLiteral("roles")}},
    {QStringLiteral("users.remove"), {QStringLiteral("realm"), QStringLiteral("name")}},
    {QStringLiteral("logs.setLevel"), {QStringLiteral("category"), QStringLiteral("level")}},
};

// A param's value as an audit entry shows it: short strings as they are, long ones cut,
// lists and objects while they are small.
QJsonValue auditedValue(const QJsonValue &value)
{
    constexpr qsizetype kLongest = 200;
    if (value.isString()) {
        const QString text = value.toString();
        return text.size() <= kLongest ? value
                                       : QJsonValue(text.left(kLongest) + QStringLiteral("… (%1 characters)").arg(text.size()));
    }
    if (value.isArray() || value.isObject()) {
        const QByteArray json = value.isArray() ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                                                : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
        return json.size() <= 20 * kLongest ? value : QJsonValue(QStringLiteral("(%1 bytes, not logged)").arg(json.size()));
    }
    return value;
}

QJsonObject lineJson(const LogRing::Line &line)
{
    return {{QStringLiteral("sequence"), double(line.sequence)},
            {QStringLiteral("time"), line.time.toString(Qt::ISODateWithMs)},
            {QStringLiteral("level"), line.level},
            {QStringLiteral("category"), line.category},
            {QStringLiteral("message"), line.message}};
}

} // namespace

ManagementHub::ManagementHub(GatewayControl *gateway, QObject *parent)
    : QObject(parent), m_gateway(gateway), m_cluster(gateway), m_services(gateway), m_sessions(gateway, &m_cluster),
      m_certificates(gateway), m_users(gateway)
{
    m_services.registerOn(m_operations);
    m_sessions.registerOn(m_operations);
    m_certificates.registerOn(m_operations);
    m_users.registerOn(m_operations);
    m_operations.insert(QStringLiteral("cluster.nodes"),
                        {false, {}, false, [this](const Params &, const Caller &, Answer answer) { m_cluster.nodes(std::move(answer)); }});
    m_operations.insert(QStringLiteral("logs.tail"), {false, [this](const Params &p, const Caller &) { return logsTail(p); }});
    m_operations.insert(QStringLiteral("logs.setLevel"), {true, [](const Params &p, const Caller &) { return logsSetLevel(p); }});
    m_operations.insert(QStringLiteral("audit.tail"), {false, [](const Params &p, const Caller &c) { return auditTail(p, c); }});

    m_services.onChanged = [this](const QString &revision, const QString &change, const Caller &caller) {
        push(QStringLiteral("config"), QStringLiteral("config.changed"),
             {{QStringLiteral("revision"), revision}, {QStringLiteral("change"), change}, {QStringLiteral("by"), caller.user}});
    };

    // Session and log events are connected only while a console listens (updateSubscriptions()).
    m_counters.setInterval(1000);
    connect(&m_counters, &QTimer::timeout, this, &ManagementHub::pushCounters);
}

ManagementHub::~ManagementHub() = default;

void ManagementHub::attach(Sessions::WebSocketSession *session, const Config::ManagementOptions &options)
{
    const quint64 id = session->id();
    Console console;
    console.session = session;
    console.service = session->serviceName();
    const Config::ServiceConfig *service = m_gateway->runningConfig().service(console.service);
    console.realm = service ? service->realmName : QString();
    console.loginRoles = session->connection().roles;
    console.caller.user = session->connection().user;
    console.caller.address = session->connection().peer();
    console.caller.auditLog = options.auditLog;
    for (const QString &role : std::as_const(console.loginRoles))
        if (options.administratorRoles.contains(role))
            console.caller.canWrite = true;
    console.tokens = kBurst;
    console.refilled.start();
    m_consoles.insert(id, console);
    // Queued: a session can finish inside a send (it stopped reading), while a loop over the
    // consoles is running.
    connect(session, &Sessions::WebSocketSession::finished, this, [this, id] { forget(id); }, Qt::QueuedConnection);
    connect(session->endpoint(), &WebSocket::Endpoint::messageReceived, this,
            [this, id](WebSocket::Opcode, const QByteArray &payload) { onMessage(id, payload); });
    send(m_consoles[id], ServerMessage::eventJson(QStringLiteral("hello"),
                                                  {{QStringLiteral("protocol"), kProtocolVersion},
                                                   {QStringLiteral("server"), QStringLiteral("posternd " POSTERN_VERSION)},
                                                   {QStringLiteral("user"), console.caller.user},
                                                   {QStringLiteral("readOnly"), !console.caller.canWrite}}));
    qCInfo(lcGateway).noquote() << QStringLiteral("management: %1 connected as '%2'%3")
                                       .arg(console.caller.address, console.caller.user,
                                            console.caller.canWrite ? QString() : QStringLiteral(" (read-only)"));
}

void ManagementHub::forget(quint64 id)
{
    m_consoles.remove(id);
    updateSubscriptions();
}

void ManagementHub::send(Console &console, const QByteArray &message)
{
    if (console.session)
        console.session->endpoint()->sendMessage(WebSocket::Opcode::Text, message);
}

bool ManagementHub::takeToken(Console &console)
{
    console.tokens = qMin(kBurst, console.tokens + double(console.refilled.restart()) / 1000.0 * kRefillPerSecond);
    if (console.tokens < 1)
        return false;
    console.tokens -= 1;
    return true;
}

void ManagementHub::onMessage(quint64 id, const QByteArray &text)
{
    if (!m_consoles.contains(id))
        return;
    const auto request = ManagementRequest::parse(text);
    if (!request) {
        send(m_consoles[id], ServerMessage::errorJson(request.error().first, request.error().second));
        return;
    }
    if (!takeToken(m_consoles[id])) {
        send(m_consoles[id], ServerMessage::errorJson(request->id, {ErrorCode::RateLimited,
                                                                    QStringLiteral("too many requests: at most %1 a second")
                                                                        .arg(kRefillPerSecond), {}}));
        return;
    }
    execute(id, request->id, request->operation, request->params, m_consoles[id].caller, false);
}

void ManagementHub::execute(quint64 id, const QJsonValue &requestId, const QString &operation, const QJsonObject &params,
                            const Caller &caller, bool retried)
{
    OperationResult result = std::unexpected(ManagementError());
    bool changes = false;
    bool refused = false;
    if (operation == u"events.subscribe") {
        result = m_consoles.contains(id) ? subscribe(id, Params(params)) : OperationResult(QJsonObject());
    } else if (const auto it = m_operations.constFind(operation); it == m_operations.cend()) {
        result = std::unexpected(ManagementError{ErrorCode::UnknownOperation,
                                                 QStringLiteral("unknown operation '%1'").arg(operation.left(100)),
                                                 QStringLiteral("op")});
    } else if ((it->changes || it->administratorsOnly) && !caller.canWrite) {
        result = std::unexpected(ManagementError{ErrorCode::Forbidden,
                                                 QStringLiteral("user '%1' may read but not change (%2)")
                                                     .arg(caller.user, operation), {}});
        changes = it->changes;
        refused = true;
    } else if (it->runLater) {
        const bool audited = it->changes;
        QPointer<ManagementHub> guard(this);
        it->runLater(Params(params), caller, [guard, id, requestId, operation, params, caller, audited](OperationResult later) {
            if (guard)
                guard->finish(id, requestId, operation, params, caller, later, audited, false);
        });
        return;
    } else {
        changes = it->changes;
        result = it->run(Params(params), caller);
        // DNS is never waited for here, where every connection is served: the names are
        // resolved in the background, and the operation runs again when they are.
        if (!result && !result.error().unresolvedHosts.isEmpty() && !retried) {
            const QStringList hosts = result.error().unresolvedHosts;
            if (hosts.size() <= kMaximumNewHosts) {
                m_gateway->resolveHosts(hosts, this, [this, id, requestId, operation, params, caller] {
                    execute(id, requestId, operation, params, caller, true);
                });
                return;
            }
            result = std::unexpected(ManagementError{ErrorCode::InvalidConfiguration,
                                                     QStringLiteral("the change names %1 host names that are not resolved "
                                                                    "yet; at most %2 are resolved for one change")
                                                         .arg(hosts.size()).arg(kMaximumNewHosts), {}});
        } else if (!result && !result.error().unresolvedHosts.isEmpty()) {
            result = std::unexpected(ManagementError{ErrorCode::Failed,
                                                     QStringLiteral("host names could not be resolved in time: %1")
                                                         .arg(result.error().unresolvedHosts.join(u", ")), {}});
        }
    }
    finish(id, requestId, operation, params, caller, result, changes, refused);
}

void ManagementHub::finish(quint64 id, const QJsonValue &requestId, const QString &operation, const QJsonObject &params,
                           const Caller &caller, const OperationResult &result, bool changes, bool refused)
{
    if (changes)
        audit(caller, operation, params, result, !refused);
    if (!m_consoles.contains(id))
        return; // the console was closed (by its own request, sessions.close) or left
    Console &console = m_consoles[id];
    send(console, result ? ServerMessage::resultJson(requestId, *result) : ServerMessage::errorJson(requestId, result.error()));
    if (refused && ++console.refusedChanges >= kMaximumRefusedChanges && console.session) {
        qCWarning(lcGateway).noquote() << QStringLiteral("management: closing %1 ('%2'): %3 changes refused")
                                              .arg(caller.address, caller.user).arg(console.refusedChanges);
        console.session->close(WebSocket::CloseCode::PolicyViolation, QStringLiteral("too many changes refused"));
    }
}

void ManagementHub::reauthorize()
{
    m_cluster.follow();
    const Config::GatewayConfig &config = m_gateway->runningConfig();
    for (auto it = m_consoles.begin(); it != m_consoles.end(); ++it)
        if (it->session && !it->session->endpoint()->isCloseSent())
            recheck(*it, config);
}

bool ManagementHub::recheck(Console &console, const Config::GatewayConfig &config)
{
    const auto close = [&](const QString &why) {
        qCInfo(lcGateway).noquote() << QStringLiteral("management: closing %1 ('%2'): %3")
                                           .arg(console.caller.address, console.caller.user, why);
        console.session->close(WebSocket::CloseCode::PolicyViolation, why + QStringLiteral("; connect again"));
        return true;
    };
    const Config::ServiceConfig *service = config.service(console.service);
    if (!service || !service->enabled || service->type != u"management" || service->realmName != console.realm)
        return close(QStringLiteral("management service '%1' was changed").arg(console.service));
    const Config::RealmConfig *realm = config.realm(console.realm);
    if (!realm)
        return close(QStringLiteral("realm '%1' was removed").arg(console.realm));
    // When the realm's users are all in users files, the files say what the user is now;
    // other logins (tokens, certificates) keep the roles they brought.
    QStringList roles = console.loginRoles;
    const bool onlyFiles = std::all_of(realm->loginModules.cbegin(), realm->loginModules.cend(),
                                       [](const Config::LoginModuleConfig &module) { return module.type == u"file"; });
    if (onlyFiles && !realm->loginModules.isEmpty()) {
        roles.clear();
        bool found = false;
        for (const auto &module : realm->loginModules) {
            const auto users = Auth::UsersFile::load(module.options.value(QStringLiteral("file")));
            if (!users)
                return close(QStringLiteral("the users file of realm '%1' cannot be read").arg(realm->name));
            if (const Auth::UsersFile::User *user = users->user(console.caller.user)) {
                found = true;
                roles += user->roles;
            }
        }
        if (!found)
            return close(QStringLiteral("user '%1' was removed from realm '%2'").arg(console.caller.user, realm->name));
    }
    const bool admitted = service->authorization && service->authorization->admits(roles);
    if (!admitted)
        return close(QStringLiteral("user '%1' may no longer use management service '%2'").arg(console.caller.user, service->name));
    const bool canWrite = std::any_of(roles.cbegin(), roles.cend(), [&](const QString &role) {
        return service->management.administratorRoles.contains(role);
    });
    console.caller.auditLog = service->management.auditLog;
    if (canWrite != console.caller.canWrite) {
        console.caller.canWrite = canWrite;
        qCInfo(lcGateway).noquote() << QStringLiteral("management: '%1' at %2 may %3 now")
                                           .arg(console.caller.user, console.caller.address,
                                                canWrite ? QStringLiteral("change things") : QStringLiteral("only read"));
        send(console, ServerMessage::eventJson(QStringLiteral("access.changed"), {{QStringLiteral("readOnly"), !canWrite}}));
    }
    return false;
}

OperationResult ManagementHub::subscribe(quint64 id, const Params &params)
{
    const auto topics = params.strings(QStringLiteral("topics"));
    const auto level = params.string(QStringLiteral("logLevel"), QStringLiteral("info"));
    if (!topics)
        return std::unexpected(topics.error());
    if (!level || LogRing::levelRank(*level) < 0)
        return std::unexpected(Params::invalid(QStringLiteral("logLevel"),
                                               QStringLiteral("params.logLevel must be debug, info, warning or error")));
    for (const QString &topic : *topics)
        if (!kTopics.contains(topic))
            return std::unexpected(Params::invalid(QStringLiteral("topics"), QStringLiteral("unknown topic '%1' (known: %2)")
                                                                                 .arg(topic, kTopics.join(u", "))));
    Console &console = m_consoles[id];
    console.topics = QSet<QString>(topics->cbegin(), topics->cend());
    console.logLevel = *level;
    updateSubscriptions();
    return QJsonObject{{QStringLiteral("topics"), QJsonArray::fromStringList(*topics)}};
}

void ManagementHub::updateSubscriptions()
{
    const bool counters = anySubscribed(QStringLiteral("counters"));
    if (counters && !m_counters.isActive())
        m_counters.start();
    else if (!counters)
        m_counters.stop();

    // Sessions open and close, and log lines are written, in every worker thread: each event
    // reaches this (main) thread as a queued call that wakes it. Without a console listening,
    // they are not connected at all.
    Sessions::SessionRegistry *registry = m_gateway->sessions();
    const bool sessions = anySubscribed(QStringLiteral("sessions"));
    if (sessions && !m_sessionEvents[0]) {
        m_sessionEvents[0] = connect(registry, &Sessions::SessionRegistry::sessionOpened, this, [this, registry](quint64 id) {
            if (!anySubscribed(QStringLiteral("sessions")))
                return; // queued before the last console left
            // Queued from a worker thread the session may have ended already: then nothing is told.
            QJsonObject json;
            if (registry->withSession(id, [&](const Sessions::WebSocketSession &session) {
                    json = SessionOperations::sessionJson(session);
                }))
                push(QStringLiteral("sessions"), QStringLiteral("session.opened"), json);
        });
        m_sessionEvents[1] = connect(registry, &Sessions::SessionRegistry::sessionClosed, this, [this](quint64 id) {
            push(QStringLiteral("sessions"), QStringLiteral("session.closed"), {{QStringLiteral("id"), double(id)}});
        });
    } else if (!sessions && m_sessionEvents[0]) {
        for (QMetaObject::Connection &connection : m_sessionEvents) {
            disconnect(connection);
            connection = {};
        }
    }
    LogRing *ring = m_gateway->logRing();
    const bool logs = ring && anySubscribed(QStringLiteral("logs"));
    if (logs && !m_logEvents) {
        m_logEvents = connect(ring, &LogRing::lineAdded, this, &ManagementHub::onLogLine);
    } else if (!logs && m_logEvents) {
        disconnect(m_logEvents);
        m_logEvents = {};
    }
}

OperationResult ManagementHub::logsTail(const Params &params) const
{
    const auto lines = params.integer(QStringLiteral("lines"), 100, 1, 2000);
    const auto level = params.string(QStringLiteral("level"), QStringLiteral("debug"));
    if (!lines)
        return std::unexpected(lines.error());
    if (!level || LogRing::levelRank(*level) < 0)
        return std::unexpected(Params::invalid(QStringLiteral("level"), QStringLiteral("params.level must be debug, info, "
                                                                                       "warning or error")));
    QJsonArray list;
    if (const LogRing *ring = m_gateway->logRing())
        for (const LogRing::Line &line : ring->last(*lines, *level))
            list.append(lineJson(line));
    return QJsonObject{{QStringLiteral("lines"), list}};
}

OperationResult ManagementHub::logsSetLevel(const Params &params)
{
    const auto category = params.string(QStringLiteral("category"));
    const auto level = params.string(QStringLiteral("level"));
    if (auto error = Params::firstError(category, level))
        return std::unexpected(*error);
    if (!Config::LoggingConfig::categories().contains(*category))
        return std::unexpected(Params::invalid(QStringLiteral("category"), QStringLiteral("params.category must be one of %1")
                                                                              .arg(Config::LoggingConfig::categories().join(u", "))));
    if (*level != u"default" && !Config::LoggingConfig::levelNames().contains(*level))
        return std::unexpected(Params::invalid(QStringLiteral("level"), QStringLiteral("params.level must be debug, info, "
                                                                                       "warning, error or default")));
    // Until the next reload of the configuration, which puts its <logging> back.
    QMap<QString, QString> levels = App::logLevels();
    if (*level == u"default")
        levels.remove(*category);
    else
        levels.insert(*category, *level);
    App::setLogLevels(levels);
    QJsonObject result;
    for (auto it = levels.cbegin(); it != levels.cend(); ++it)
        result.insert(it.key(), it.value());
    return QJsonObject{{QStringLiteral("levels"), result}};
}

OperationResult ManagementHub::auditTail(const Params &params, const Caller &caller)
{
    const auto lines = params.integer(QStringLiteral("lines"), 100, 1, 1000);
    if (!lines)
        return std::unexpected(lines.error());
    QJsonArray entries;
    if (caller.auditLog.isEmpty())
        return QJsonObject{{QStringLiteral("file"), QString()}, {QStringLiteral("entries"), entries}};
    QFile file(caller.auditLog);
    if (!file.open(QIODevice::ReadOnly)) {
        if (!file.exists()) // nothing changed yet
            return QJsonObject{{QStringLiteral("file"), caller.auditLog}, {QStringLiteral("entries"), entries}};
        return std::unexpected(ManagementError(ErrorCode::Failed, QStringLiteral("cannot read the audit log %1: %2")
                                                                       .arg(caller.auditLog, file.errorString())));
    }
    // Entries are short (params are cut when audited): the file's last 2 MiB hold 1000 of them.
    constexpr qint64 kTailBytes = 2 * 1024 * 1024;
    const bool cut = file.size() > kTailBytes;
    if (cut)
        file.seek(file.size() - kTailBytes);
    QList<QByteArray> text = file.read(kTailBytes).split('\n');
    if (cut && !text.isEmpty())
        text.removeFirst(); // the part of a line the seek landed in
    QList<QJsonObject> parsed;
    for (const QByteArray &line : std::as_const(text)) {
        const QJsonDocument document = QJsonDocument::fromJson(line);
        if (document.isObject())
            parsed.append(document.object());
    }
    for (qsizetype i = std::max<qsizetype>(0, parsed.size() - *lines); i < parsed.size(); ++i)
        entries.append(parsed.at(i));
    return QJsonObject{{QStringLiteral("file"), caller.auditLog}, {QStringLiteral("entries"), entries}};
}

bool ManagementHub::anySubscribed(const QString &topic) const
{
    return std::any_of(m_consoles.cbegin(), m_consoles.cend(),
                       [&topic](const Console &console) { return console.topics.contains(topic); });
}

void ManagementHub::push(const QString &topic, const QString &event, const QJsonObject &data)
{
    if (!anySubscribed(topic))
        return;
    const QByteArray message = ServerMessage::eventJson(event, data);
    for (Console &console : m_consoles) // consoles leave from the event loop, never during this
        if (console.topics.contains(topic))
            send(console, message);
}

void ManagementHub::onLogLine(const LogRing::Line &line)
{
    if (!anySubscribed(QStringLiteral("logs")))
        return;
    const QByteArray message = ServerMessage::eventJson(QStringLiteral("log"), lineJson(line));
    for (Console &console : m_consoles)
        if (console.topics.contains(QStringLiteral("logs")) && LogRing::levelRank(line.level) >= LogRing::levelRank(console.logLevel))
            send(console, message);
}

void ManagementHub::pushCounters()
{
    QJsonArray sessions;
    m_gateway->sessions()->forEach([&](const Sessions::WebSocketSession &session) {
        const auto counters = session.counters();
        sessions.append(QJsonObject{{QStringLiteral("id"), double(session.id())},
                                    {QStringLiteral("messagesIn"), double(counters.messagesIn)},
                                    {QStringLiteral("messagesOut"), double(counters.messagesOut)},
                                    {QStringLiteral("bytesIn"), double(counters.bytesIn)},
                                    {QStringLiteral("bytesOut"), double(counters.bytesOut)}});
    });
    push(QStringLiteral("counters"), QStringLiteral("counters"),
         {{QStringLiteral("time"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
          {QStringLiteral("sessions"), sessions}});
}

void ManagementHub::audit(const Caller &caller, const QString &operation, const QJsonObject &params,
                          const OperationResult &result, bool valuesShown)
{
    // Only what is known to be harmless and small is shown; a refused request shows just
    // the names of its params (a read-only user cannot fill the disk through this).
    QJsonObject shown;
    const QStringList audited = kAuditedParams.value(operation);
    qsizetype count = 0;
    for (auto it = params.constBegin(); it != params.constEnd() && count < 20; ++it, ++count)
        shown.insert(it.key().left(64), valuesShown && audited.contains(it.key()) ? auditedValue(it.value())
                                                                                  : QJsonValue(QStringLiteral("(not logged)")));
    if (params.size() > count)
        shown.insert(QStringLiteral("…"), QStringLiteral("%1 more").arg(params.size() - count));
    QJsonObject entry{{QStringLiteral("time"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                      {QStringLiteral("user"), caller.user},
                      {QStringLiteral("from"), caller.address},
                      {QStringLiteral("op"), operation},
                      {QStringLiteral("params"), shown},
                      {QStringLiteral("result"), result ? QStringLiteral("ok") : result.error().code}};
    if (!result)
        entry.insert(QStringLiteral("error"), result.error().message.left(500));
    if (!caller.auditLog.isEmpty()) {
        const Util::ScopedUmask ownerOnly(0077);
        QFile file(caller.auditLog);
        if (file.open(QIODevice::WriteOnly | QIODevice::Append))
            file.write(QJsonDocument(entry).toJson(QJsonDocument::Compact) + '\n');
        else
            qCWarning(lcGateway).noquote() << QStringLiteral("management: cannot write the audit log %1: %2")
                                                  .arg(caller.auditLog, file.errorString());
    }
    qCInfo(lcGateway).noquote() << QStringLiteral("management: '%1' from %2: %3 %4")
                                       .arg(caller.user, caller.address, operation,
                                            result ? QStringLiteral("done") : QStringLiteral("refused (%1)").arg(result.error().code));
    push(QStringLiteral("audit"), QStringLiteral("audit"), entry);
}

} // namespace Postern::Management
