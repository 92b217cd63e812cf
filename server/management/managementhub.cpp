#include "management/managementhub.h"

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

namespace Postern::Management {

namespace {

// Requests a console may send: a burst of this many, refilled at this rate per second.
constexpr double kBurst = 50;
constexpr double kRefillPerSecond = 20;
const QStringList kTopics = {QStringLiteral("sessions"), QStringLiteral("counters"), QStringLiteral("logs"),
                             QStringLiteral("config"), QStringLiteral("audit")};
// Parameters that are secrets, or carry them: never audited.
const QStringList kSecretParams = {QStringLiteral("password"), QStringLiteral("pkcs12"), QStringLiteral("key"),
                                   QStringLiteral("text")};

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
    : QObject(parent), m_gateway(gateway), m_services(gateway), m_sessions(gateway), m_certificates(gateway),
      m_users(gateway)
{
    m_services.registerOn(m_operations);
    m_sessions.registerOn(m_operations);
    m_certificates.registerOn(m_operations);
    m_users.registerOn(m_operations);
    m_operations.insert(QStringLiteral("logs.tail"), {false, [this](const Params &p, const Caller &) { return logsTail(p); }});

    m_services.onChanged = [this](const QString &revision, const QString &change, const Caller &caller) {
        push(QStringLiteral("config"), QStringLiteral("config.changed"),
             {{QStringLiteral("revision"), revision}, {QStringLiteral("change"), change}, {QStringLiteral("by"), caller.user}});
    };

    Sessions::SessionRegistry *registry = gateway->sessions();
    connect(registry, &Sessions::SessionRegistry::sessionOpened, this, [this, registry](quint64 id) {
        if (const Sessions::WebSocketSession *session = registry->find(id))
            push(QStringLiteral("sessions"), QStringLiteral("session.opened"), SessionOperations::sessionJson(*session));
    });
    connect(registry, &Sessions::SessionRegistry::sessionClosed, this, [this](quint64 id) {
        push(QStringLiteral("sessions"), QStringLiteral("session.closed"), {{QStringLiteral("id"), double(id)}});
    });
    if (LogRing *ring = gateway->logRing())
        connect(ring, &LogRing::lineAdded, this, &ManagementHub::onLogLine);
    m_counters.setInterval(1000);
    connect(&m_counters, &QTimer::timeout, this, &ManagementHub::pushCounters);
}

ManagementHub::~ManagementHub() = default;

void ManagementHub::attach(Sessions::WebSocketSession *session, const Config::ManagementOptions &options)
{
    const quint64 id = session->id();
    Console console;
    console.session = session;
    console.caller.user = session->connection().user;
    console.caller.address = session->connection().peer();
    console.caller.auditLog = options.auditLog;
    for (const QString &role : session->connection().roles)
        if (options.administratorRoles.contains(role))
            console.caller.canWrite = true;
    console.tokens = kBurst;
    console.refilled.start();
    m_consoles.insert(id, console);
    connect(session, &Sessions::WebSocketSession::finished, this, [this, id] { m_consoles.remove(id); });
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
    const Caller caller = m_consoles[id].caller;
    const Params params(request->params);
    OperationResult result = std::unexpected(ManagementError());
    bool changes = false;
    if (request->operation == u"events.subscribe") {
        result = subscribe(id, params);
    } else if (const auto it = m_operations.constFind(request->operation); it == m_operations.cend()) {
        result = std::unexpected(ManagementError{ErrorCode::UnknownOperation,
                                                 QStringLiteral("unknown operation '%1'").arg(request->operation.left(100)),
                                                 QStringLiteral("op")});
    } else if (it->changes && !caller.canWrite) {
        result = std::unexpected(ManagementError{ErrorCode::Forbidden,
                                                 QStringLiteral("user '%1' may read but not change (%2)")
                                                     .arg(caller.user, request->operation), {}});
        changes = true;
    } else {
        changes = it->changes;
        result = it->run(params, caller);
    }
    if (changes)
        audit(caller, request->operation, request->params, result);
    if (!m_consoles.contains(id))
        return; // the console was closed by its own request (sessions.close)
    send(m_consoles[id], result ? ServerMessage::resultJson(request->id, *result)
                                : ServerMessage::errorJson(request->id, result.error()));
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
    const bool counters = std::any_of(m_consoles.cbegin(), m_consoles.cend(),
                                      [](const Console &c) { return c.topics.contains(QStringLiteral("counters")); });
    if (counters && !m_counters.isActive())
        m_counters.start();
    else if (!counters)
        m_counters.stop();
    return QJsonObject{{QStringLiteral("topics"), QJsonArray::fromStringList(*topics)}};
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

void ManagementHub::push(const QString &topic, const QString &event, const QJsonObject &data)
{
    const QByteArray message = ServerMessage::eventJson(event, data);
    for (Console &console : m_consoles)
        if (console.topics.contains(topic))
            send(console, message);
}

void ManagementHub::onLogLine(const LogRing::Line &line)
{
    const QByteArray message = ServerMessage::eventJson(QStringLiteral("log"), lineJson(line));
    for (Console &console : m_consoles)
        if (console.topics.contains(QStringLiteral("logs")) && LogRing::levelRank(line.level) >= LogRing::levelRank(console.logLevel))
            send(console, message);
}

void ManagementHub::pushCounters()
{
    QJsonArray sessions;
    for (const Sessions::WebSocketSession *session : m_gateway->sessions()->sessions()) {
        const auto &counters = session->counters();
        sessions.append(QJsonObject{{QStringLiteral("id"), double(session->id())},
                                    {QStringLiteral("messagesIn"), double(counters.messagesIn)},
                                    {QStringLiteral("messagesOut"), double(counters.messagesOut)},
                                    {QStringLiteral("bytesIn"), double(counters.bytesIn)},
                                    {QStringLiteral("bytesOut"), double(counters.bytesOut)}});
    }
    push(QStringLiteral("counters"), QStringLiteral("counters"),
         {{QStringLiteral("time"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
          {QStringLiteral("sessions"), sessions}});
}

void ManagementHub::audit(const Caller &caller, const QString &operation, const QJsonObject &params,
                          const OperationResult &result)
{
    QJsonObject shown = params;
    for (const QString &secret : kSecretParams)
        if (shown.contains(secret))
            shown.insert(secret, QStringLiteral("(not logged)"));
    QJsonObject entry{{QStringLiteral("time"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                      {QStringLiteral("user"), caller.user},
                      {QStringLiteral("from"), caller.address},
                      {QStringLiteral("op"), operation},
                      {QStringLiteral("params"), shown},
                      {QStringLiteral("result"), result ? QStringLiteral("ok") : result.error().code}};
    if (!result)
        entry.insert(QStringLiteral("error"), result.error().message);
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
