#include "managementclient.h"

#include "management/managementrequest.h"
#include "management/protocol.h"
#include "management/servermessage.h"

#include <QJsonDocument>

#include <algorithm>

namespace Postern::Admin {

namespace {

constexpr double kBurst = 40;      // below the server's 50, so a console never meets rate-limited
constexpr double kPerSecond = 20;  // the server's rate
constexpr quint16 kPolicyViolation = 1008; // the server ended this console's rights: do not knock again

} // namespace

ManagementClient::ManagementClient(QObject *parent) : QObject(parent)
{
    m_pump.setSingleShot(true);
    connect(&m_pump, &QTimer::timeout, this, &ManagementClient::pump);
    m_expiry.setInterval(1000);
    connect(&m_expiry, &QTimer::timeout, this, &ManagementClient::expire);
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, &ManagementClient::attempt);
}

ManagementClient::~ManagementClient()
{
    if (m_socket)
        m_socket->disconnect(this); // no signals into a half-destroyed client
    failAll(ManagementReply::kDisconnected, tr("the console was closed"));
}

void ManagementClient::open(const QUrl &url, Client::ConnectOptions options)
{
    close();
    m_url = url;
    m_options = std::move(options);
    m_wasConnected = false;
    m_delay = m_firstDelay;
    setState(State::Connecting);
    attempt();
}

void ManagementClient::close()
{
    m_reconnect.stop();
    m_nextAttempt = QDateTime();
    const bool active = m_state != State::Disconnected;
    setState(State::Disconnected);
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->close(1000, tr("console closed"));
        m_socket->deleteLater(); // it finishes its closing handshake on its own
        m_socket = nullptr;
    }
    if (active)
        failAll(ManagementReply::kDisconnected, tr("the connection was closed before the answer came"));
}

void ManagementClient::attempt()
{
    m_nextAttempt = QDateTime();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->deleteLater();
    }
    m_socket = new Client::ClientSocket(this);
    m_helloSeen = false;
    connect(m_socket, &Client::ClientSocket::connected, this, &ManagementClient::onSocketConnected);
    connect(m_socket, &Client::ClientSocket::connectFailed, this, &ManagementClient::onSocketFailed);
    connect(m_socket, &Client::ClientSocket::disconnected, this, &ManagementClient::onSocketDisconnected);
    connect(m_socket, &Client::ClientSocket::textMessageReceived, this, &ManagementClient::onMessage);
    m_socket->open(m_url, m_options);
}

QList<QSslCertificate> ManagementClient::peerCertificateChain() const
{
    return m_socket ? m_socket->peerCertificateChain() : QList<QSslCertificate>();
}

void ManagementClient::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    if (state == State::Connected)
        m_expiry.start();
    else
        m_expiry.stop();
    Q_EMIT stateChanged(state);
}

void ManagementClient::onSocketConnected()
{
    m_outcome = m_socket->outcome();
    // The server speaks first (hello); a server that does not is not a management endpoint.
    QTimer::singleShot(m_requestTimeout, m_socket, [this, socket = m_socket] {
        if (socket == m_socket && !m_helloSeen) {
            Client::ConnectOutcome outcome = m_outcome;
            outcome.kind = Client::ConnectOutcome::Kind::BadHandshake;
            outcome.message = tr("%1 accepted the connection but never said hello: it is not a Postern management endpoint")
                                  .arg(m_url.toDisplayString());
            m_socket->disconnect(this); // this is the failure: not a second one from the abort
            m_socket->abort();
            onSocketFailed(outcome);
        }
    });
}

void ManagementClient::onSocketFailed(const Client::ConnectOutcome &outcome)
{
    m_outcome = outcome;
    if (m_state == State::Reconnecting && isCurable(outcome)) {
        scheduleReconnect();
        return;
    }
    m_reconnect.stop();
    setState(State::Disconnected);
    failAll(ManagementReply::kDisconnected, tr("not connected: %1").arg(outcome.message)); // after the state: see onSocketDisconnected
    Q_EMIT connectFailed(outcome);
}

void ManagementClient::onSocketDisconnected()
{
    if (m_state == State::Disconnected || !m_socket)
        return;
    const quint16 code = m_socket->closeCode();
    const QString reason = m_socket->closeReason();
    if (!m_helloSeen) { // open, but it ended before it was a management connection
        Client::ConnectOutcome outcome = m_outcome;
        outcome.kind = Client::ConnectOutcome::Kind::Unreachable;
        outcome.message = tr("the gateway closed the connection at once (%1%2)")
                              .arg(code)
                              .arg(reason.isEmpty() ? QString() : QStringLiteral(": ") + reason);
        onSocketFailed(outcome);
        return;
    }
    const bool again = code != kPolicyViolation;
    // The state first: whoever a failed answer makes ask again is told "not connected".
    setState(again ? State::Reconnecting : State::Disconnected);
    failAll(ManagementReply::kDisconnected, tr("the connection was lost before the answer came"));
    Q_EMIT connectionLost(code, reason, again);
    if (again)
        scheduleReconnect();
}

bool ManagementClient::isCurable(const Client::ConnectOutcome &outcome)
{
    using Kind = Client::ConnectOutcome::Kind;
    // A gateway that is restarting is unreachable, or busy; a wrong password, a refusal of
    // rights or a certificate that changed do not get better by waiting.
    return outcome.kind == Kind::Unreachable
        || (outcome.kind == Kind::Refused && (outcome.status == 429 || outcome.status == 502 || outcome.status == 503));
}

void ManagementClient::scheduleReconnect()
{
    const auto delay = m_delay;
    m_delay = std::min(m_delay * 2, m_longestDelay);
    m_nextAttempt = QDateTime::currentDateTimeUtc().addMSecs(delay.count());
    m_reconnect.start(delay);
    Q_EMIT reconnectScheduled(int((delay.count() + 999) / 1000));
}

void ManagementClient::setReconnectDelays(std::chrono::milliseconds first, std::chrono::milliseconds longest)
{
    m_firstDelay = first;
    m_longestDelay = longest;
    m_delay = first;
}

void ManagementClient::onMessage(const QString &text)
{
    const auto message = Management::ServerMessage::parse(text.toUtf8());
    if (!message) {
        qWarning("management: the gateway sent something that is not a management message: %s", qPrintable(message.error()));
        return;
    }
    if (message->kind == Management::ServerMessage::Kind::Event) {
        onEvent(message->event, message->data);
        return;
    }
    const qint64 id = message->id.toInteger(-1);
    const Pending pending = m_pending.take(id);
    if (!pending.reply)
        return; // timed out, cancelled, or not ours
    if (message->kind == Management::ServerMessage::Kind::Error)
        pending.reply->fail(message->error);
    else
        pending.reply->finish(message->result.toObject());
}

void ManagementClient::onEvent(const QString &event, const QJsonObject &data)
{
    if (event == u"hello") {
        const int protocol = data.value(u"protocol").toInt();
        if (protocol != Management::kProtocolVersion) {
            Client::ConnectOutcome outcome = m_outcome;
            outcome.kind = Client::ConnectOutcome::Kind::BadHandshake;
            outcome.message = tr("the gateway speaks management protocol %1; this console speaks %2")
                                  .arg(protocol)
                                  .arg(Management::kProtocolVersion);
            m_socket->disconnect(this);
            m_socket->abort();
            m_state = State::Connecting; // a refusal, not a lost connection
            onSocketFailed(outcome);
            return;
        }
        m_helloSeen = true;
        m_user = data.value(u"user").toString();
        m_server = data.value(u"server").toString();
        m_readOnly = data.value(u"readOnly").toBool(true);
        m_wasConnected = true;
        m_delay = m_firstDelay;
        m_tokens = kBurst;
        m_tokensAt = QDateTime::currentDateTimeUtc();
        setState(State::Connected);
        sendSubscriptions();
        Q_EMIT connected();
        return;
    }
    if (event == u"access.changed") {
        m_readOnly = data.value(u"readOnly").toBool(true);
        Q_EMIT accessChanged(m_readOnly);
    } else if (event == u"session.opened") {
        Q_EMIT sessionOpened(data);
    } else if (event == u"session.closed") {
        Q_EMIT sessionClosed(quint64(data.value(u"id").toDouble()));
    } else if (event == u"counters") {
        Q_EMIT countersReceived(data);
    } else if (event == u"log") {
        Q_EMIT logLine(data);
    } else if (event == u"config.changed") {
        Q_EMIT configChanged(data.value(u"revision").toString(), data.value(u"change").toString(), data.value(u"by").toString());
    } else if (event == u"audit") {
        Q_EMIT auditEntry(data);
    }
    Q_EMIT eventReceived(event, data);
}

ManagementReply *ManagementClient::request(const QString &operation, const QJsonObject &params)
{
    auto *reply = new ManagementReply(operation, this);
    if (m_state != State::Connected) {
        // Announced from the event loop, as every answer is, so callers connect first.
        const QString message = m_state == State::Reconnecting ? tr("not connected: the connection was lost and is being opened again")
                                                                : tr("not connected to a gateway");
        QMetaObject::invokeMethod(reply, [reply, message] { reply->fail({ManagementReply::kNotConnected, message}); },
                                  Qt::QueuedConnection);
        return reply;
    }
    const qint64 id = m_nextId++;
    Management::ManagementRequest request{QJsonValue(double(id)), operation, params};
    m_pending.insert(id, {reply, QDateTime::currentDateTimeUtc().addMSecs(m_requestTimeout.count())});
    connect(reply, &ManagementReply::finished, this, [this, id] { m_pending.remove(id); });
    m_queue.enqueue({id, request.toJson()});
    pump();
    return reply;
}

void ManagementClient::pump()
{
    if (m_state != State::Connected || !m_socket)
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_tokens = std::min(kBurst, m_tokens + double(m_tokensAt.msecsTo(now)) * kPerSecond / 1000.0);
    m_tokensAt = now;
    while (!m_queue.isEmpty() && m_tokens >= 1) {
        const Outgoing next = m_queue.dequeue();
        if (!m_pending.contains(next.id))
            continue; // cancelled while it waited
        m_tokens -= 1;
        if (!m_socket->sendTextMessage(QString::fromUtf8(next.json)))
            if (ManagementReply *reply = m_pending.take(next.id).reply) {
                // From the event loop, as every answer: the caller may not have connected yet.
                const QString message = tr("the request could not be sent: the connection is closing");
                QMetaObject::invokeMethod(reply, [reply, message] { reply->fail({ManagementReply::kDisconnected, message}); },
                                          Qt::QueuedConnection);
            }
    }
    if (!m_queue.isEmpty())
        m_pump.start(int(1000 / kPerSecond) + 1);
}

void ManagementClient::expire()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const auto pending = m_pending; // replies remove themselves when they fail
    for (auto it = pending.cbegin(); it != pending.cend(); ++it)
        if (it->reply && it->deadline < now)
            it->reply->fail({ManagementReply::kTimedOut,
                             tr("the gateway did not answer %1 within %2 s").arg(it->reply->operation()).arg(m_requestTimeout.count() / 1000)});
}

void ManagementClient::failAll(const QString &code, const QString &message)
{
    const auto pending = std::exchange(m_pending, {});
    m_queue.clear();
    for (const Pending &p : pending)
        if (p.reply)
            p.reply->fail({code, message});
}

void ManagementClient::subscribe(const QString &topic)
{
    if (m_topics[topic]++ == 0)
        sendSubscriptions();
}

void ManagementClient::unsubscribe(const QString &topic)
{
    auto it = m_topics.find(topic);
    if (it == m_topics.end())
        return;
    if (--*it <= 0) {
        m_topics.erase(it);
        sendSubscriptions();
    }
}

void ManagementClient::setLogLevel(const QString &level)
{
    if (m_logLevel == level)
        return;
    m_logLevel = level;
    sendSubscriptions();
}

QStringList ManagementClient::topics() const
{
    QStringList topics = m_topics.keys();
    topics.sort();
    return topics;
}

void ManagementClient::sendSubscriptions()
{
    if (m_state != State::Connected)
        return; // sent on connecting
    ManagementReply *reply = request(QStringLiteral("events.subscribe"),
                                     {{QStringLiteral("topics"), QJsonArray::fromStringList(topics())},
                                      {QStringLiteral("logLevel"), m_logLevel}});
    reply->onFinished(this, [](const ManagementReply &answer) {
        if (answer.isError() && answer.error().code != ManagementReply::kDisconnected)
            qWarning("management: events.subscribe failed: %s", qPrintable(answer.error().message));
    });
}

// --- the operations, typed -------------------------------------------------------------

namespace {
QJsonObject storeParams(const QString &store, const QString &alias)
{
    return {{QStringLiteral("store"), store}, {QStringLiteral("alias"), alias}};
}
QJsonArray idArray(const QList<quint64> &ids)
{
    QJsonArray array;
    for (const quint64 id : ids)
        array.append(double(id));
    return array;
}
} // namespace

ManagementReply *ManagementClient::gatewayInfo() { return request(QStringLiteral("gateway.info")); }
ManagementReply *ManagementClient::listServices() { return request(QStringLiteral("services.list")); }
ManagementReply *ManagementClient::getService(const QString &name)
{
    return request(QStringLiteral("services.get"), {{QStringLiteral("name"), name}});
}
ManagementReply *ManagementClient::createService(const QString &revision, const QJsonObject &service)
{
    return request(QStringLiteral("services.create"), {{QStringLiteral("revision"), revision}, {QStringLiteral("service"), service}});
}
ManagementReply *ManagementClient::updateService(const QString &revision, const QString &name, const QJsonObject &service)
{
    return request(QStringLiteral("services.update"),
                   {{QStringLiteral("revision"), revision}, {QStringLiteral("name"), name}, {QStringLiteral("service"), service}});
}
ManagementReply *ManagementClient::deleteService(const QString &revision, const QString &name)
{
    return request(QStringLiteral("services.delete"), {{QStringLiteral("revision"), revision}, {QStringLiteral("name"), name}});
}
ManagementReply *ManagementClient::setServiceEnabled(const QString &revision, const QString &name, bool enabled)
{
    return request(enabled ? QStringLiteral("services.enable") : QStringLiteral("services.disable"),
                   {{QStringLiteral("revision"), revision}, {QStringLiteral("name"), name}});
}
ManagementReply *ManagementClient::getConfig() { return request(QStringLiteral("config.get")); }
ManagementReply *ManagementClient::validateConfig(const QString &text)
{
    return request(QStringLiteral("config.validate"), {{QStringLiteral("text"), text}});
}
ManagementReply *ManagementClient::reloadConfig() { return request(QStringLiteral("config.reload")); }
ManagementReply *ManagementClient::listCertificates(const QString &store, int expiringWithinDays)
{
    return request(QStringLiteral("certificates.list"),
                   {{QStringLiteral("store"), store}, {QStringLiteral("expiringWithinDays"), expiringWithinDays}});
}
ManagementReply *ManagementClient::getCertificate(const QString &store, const QString &alias)
{
    return request(QStringLiteral("certificates.get"), storeParams(store, alias));
}
ManagementReply *ManagementClient::generateCertificate(const QJsonObject &params)
{
    return request(QStringLiteral("certificates.generate"), params);
}
ManagementReply *ManagementClient::importCertificate(const QJsonObject &params)
{
    return request(QStringLiteral("certificates.import"), params);
}
ManagementReply *ManagementClient::createCsr(const QJsonObject &params) { return request(QStringLiteral("certificates.csr"), params); }
ManagementReply *ManagementClient::installReply(const QString &alias, const QByteArray &reply, const QByteArray &issuers)
{
    QJsonObject params{{QStringLiteral("alias"), alias}, {QStringLiteral("reply"), QString::fromLatin1(reply.toBase64())}};
    if (!issuers.isEmpty())
        params.insert(QStringLiteral("issuers"), QString::fromLatin1(issuers.toBase64()));
    return request(QStringLiteral("certificates.installReply"), params);
}
ManagementReply *ManagementClient::exportCertificate(const QJsonObject &params)
{
    return request(QStringLiteral("certificates.export"), params);
}
ManagementReply *ManagementClient::deleteCertificate(const QString &store, const QString &alias, bool force)
{
    QJsonObject params = storeParams(store, alias);
    params.insert(QStringLiteral("force"), force);
    return request(QStringLiteral("certificates.delete"), params);
}
ManagementReply *ManagementClient::renameCertificate(const QString &store, const QString &alias, const QString &newAlias)
{
    QJsonObject params = storeParams(store, alias);
    params.insert(QStringLiteral("newAlias"), newAlias);
    return request(QStringLiteral("certificates.rename"), params);
}
ManagementReply *ManagementClient::listSessions(const QJsonObject &filter) { return request(QStringLiteral("sessions.list"), filter); }
ManagementReply *ManagementClient::getSession(quint64 id)
{
    return request(QStringLiteral("sessions.get"), {{QStringLiteral("id"), double(id)}});
}
ManagementReply *ManagementClient::closeSessions(const QList<quint64> &ids, const QString &reason, int code,
                                                const QString &node)
{
    QJsonObject params{{QStringLiteral("ids"), idArray(ids)}, {QStringLiteral("reason"), reason}, {QStringLiteral("code"), code}};
    if (!node.isEmpty())
        params.insert(QStringLiteral("node"), node);
    return request(QStringLiteral("sessions.close"), params);
}
ManagementReply *ManagementClient::listClusterNodes() { return request(QStringLiteral("cluster.nodes")); }
ManagementReply *ManagementClient::closeSessionsOfUser(const QString &user, const QString &reason, int code)
{
    return request(QStringLiteral("sessions.close"),
                   {{QStringLiteral("user"), user}, {QStringLiteral("reason"), reason}, {QStringLiteral("code"), code}});
}
ManagementReply *ManagementClient::listUsers(const QString &realm)
{
    return request(QStringLiteral("users.list"), {{QStringLiteral("realm"), realm}});
}
ManagementReply *ManagementClient::addUser(const QString &realm, const QString &name, const QString &password, const QStringList &roles)
{
    return request(QStringLiteral("users.add"), {{QStringLiteral("realm"), realm},
                                                 {QStringLiteral("name"), name},
                                                 {QStringLiteral("password"), password},
                                                 {QStringLiteral("roles"), QJsonArray::fromStringList(roles)}});
}
ManagementReply *ManagementClient::setUserPassword(const QString &realm, const QString &name, const QString &password)
{
    return request(QStringLiteral("users.setPassword"),
                   {{QStringLiteral("realm"), realm}, {QStringLiteral("name"), name}, {QStringLiteral("password"), password}});
}
ManagementReply *ManagementClient::setUserRoles(const QString &realm, const QString &name, const QStringList &roles)
{
    return request(QStringLiteral("users.setRoles"), {{QStringLiteral("realm"), realm},
                                                      {QStringLiteral("name"), name},
                                                      {QStringLiteral("roles"), QJsonArray::fromStringList(roles)}});
}
ManagementReply *ManagementClient::removeUser(const QString &realm, const QString &name)
{
    return request(QStringLiteral("users.remove"), {{QStringLiteral("realm"), realm}, {QStringLiteral("name"), name}});
}
ManagementReply *ManagementClient::tailLogs(int lines, const QString &level)
{
    return request(QStringLiteral("logs.tail"), {{QStringLiteral("lines"), lines}, {QStringLiteral("level"), level}});
}
ManagementReply *ManagementClient::tailAudit(int lines)
{
    return request(QStringLiteral("audit.tail"), {{QStringLiteral("lines"), lines}});
}

} // namespace Postern::Admin
