#include "management/clusterdirectory.h"

#include "cluster/clusternode.h"
#include "logging.h"
#include "management/gatewaycontrol.h"
#include "management/protocol.h"
#include "management/sessionoperations.h"
#include "sessions/sessionregistry.h"
#include "sessions/websocketsession.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QUuid>


namespace Postern::Management {

namespace {

constexpr int kRefreshInterval = 2000;
constexpr int kTimeToLive = 6000; // three refreshes missed: the node is gone
constexpr int kSoon = 250;
constexpr int kReplyTimeout = 3000;
// A node shares at most this many sessions (its oldest); its summary still counts them all.
constexpr qsizetype kMaximumShared = 1000;

const QByteArray kNodesSet = QByteArrayLiteral("postern:nodes");

QByteArray nodeKey(const QString &node, const char *suffix = "")
{
    return QByteArrayLiteral("postern:node:") + node.toUtf8() + suffix;
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QString now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

} // namespace

ClusterDirectory::ClusterDirectory(GatewayControl *gateway, QObject *parent) : QObject(parent), m_gateway(gateway)
{
    m_refresh.setInterval(kRefreshInterval);
    connect(&m_refresh, &QTimer::timeout, this, &ClusterDirectory::publish);
    m_soon.setSingleShot(true);
    m_soon.setInterval(kSoon);
    connect(&m_soon, &QTimer::timeout, this, &ClusterDirectory::publish);
    const auto changed = [this] {
        if (m_node && !m_soon.isActive())
            m_soon.start();
    };
    connect(gateway->sessions(), &Sessions::SessionRegistry::sessionOpened, this, changed);
    connect(gateway->sessions(), &Sessions::SessionRegistry::sessionClosed, this, changed);
}

ClusterDirectory::~ClusterDirectory() = default;

QString ClusterDirectory::nodeName() const
{
    return m_node ? m_name : QString();
}

void ClusterDirectory::follow()
{
    Cluster::ClusterNode *node = m_gateway->clusterNode();
    if (node == m_node)
        return;
    if (m_node) {
        m_node->unsubscribe(nodeKey(m_name, ":control"));
        m_node->unsubscribe(nodeKey(m_name, ":reply"));
        m_node->disconnect(this);
    }
    // Closes sent through the old node get no answer through the new one.
    for (const QByteArray &request : m_pending.keys())
        settle(request, std::unexpected(ManagementError{ErrorCode::Unavailable,
                                                        QStringLiteral("the cluster settings changed while waiting for "
                                                                       "node '%1'").arg(m_pending.value(request).node)}));
    m_node = node;
    m_refresh.stop();
    m_soon.stop();
    if (!node)
        return;
    m_name = node->name();
    node->subscribe(nodeKey(m_name, ":control"), this, [this](const QByteArray &payload) { onControl(payload); });
    node->subscribe(nodeKey(m_name, ":reply"), this, [this](const QByteArray &payload) { onReply(payload); });
    connect(node, &Cluster::ClusterNode::up, this, &ClusterDirectory::publish);
    m_refresh.start();
    publish();
}

std::optional<ManagementError> ClusterDirectory::unavailable() const
{
    if (!m_node)
        return ManagementError{ErrorCode::Unavailable,
                               QStringLiteral("this gateway is not in a cluster (its configuration has no <cluster>)")};
    if (!m_node->isUp())
        return ManagementError{ErrorCode::Unavailable,
                               QStringLiteral("the cluster view is unavailable: node '%1' cannot reach Redis at %2 now "
                                              "(this node's own sessions: scope local)")
                                   .arg(m_name, m_node->config().redis.toString())};
    return std::nullopt;
}

QJsonObject ClusterDirectory::localSummary() const
{
    return {{QStringLiteral("name"), m_name},
            {QStringLiteral("upSince"), m_gateway->startedAt().toString(Qt::ISODateWithMs)},
            {QStringLiteral("lastSeen"), now()},
            {QStringLiteral("sessions"), double(m_gateway->sessions()->count())}};
}

QJsonArray ClusterDirectory::localSessions(qsizetype limit) const
{
    QJsonArray list;
    // Sessions of every worker thread, read under the registry's lock, oldest (lowest id) first.
    m_gateway->sessions()->forEach([&](const Sessions::WebSocketSession &session) {
        if (list.size() >= limit)
            return;
        QJsonObject json = SessionOperations::sessionJson(session);
        json.insert(QStringLiteral("node"), m_name);
        list.append(json);
    });
    return list;
}

void ClusterDirectory::publish()
{
    if (!m_node || !m_node->isUp())
        return; // written again once Redis is back (up())
    m_node->setValue(nodeKey(m_name), compact(localSummary()), kTimeToLive);
    m_node->setValue(nodeKey(m_name, ":sessions"),
                     QJsonDocument(localSessions(kMaximumShared)).toJson(QJsonDocument::Compact), kTimeToLive);
    m_node->addMember(kNodesSet, m_name.toUtf8());
}

void ClusterDirectory::readPeers(bool withSessions, PeersAnswer answer)
{
    if (const auto error = unavailable()) {
        answer(std::unexpected(*error));
        return;
    }
    const auto unreachable = [this] {
        return ManagementError{ErrorCode::Unavailable,
                               QStringLiteral("the cluster view is unavailable: Redis at %1 did not answer")
                                   .arg(m_node ? m_node->config().redis.toString() : QString())};
    };
    m_node->members(kNodesSet, this, [this, withSessions, answer, unreachable](const QList<QByteArray> &members, bool reachable) {
        if (!reachable || !m_node) {
            answer(std::unexpected(unreachable()));
            return;
        }
        QStringList names;
        for (const QByteArray &member : members)
            if (QString::fromUtf8(member) != m_name)
                names.append(QString::fromUtf8(member));
        names.sort();
        QList<QByteArray> keys;
        for (const QString &name : std::as_const(names)) {
            keys.append(nodeKey(name));
            if (withSessions)
                keys.append(nodeKey(name, ":sessions"));
        }
        m_node->values(keys, this, [this, names, withSessions, answer, unreachable](const Cluster::ClusterNode::Values &values,
                                                                                   bool reachable) {
            const qsizetype stride = withSessions ? 2 : 1;
            if (!reachable || !m_node || values.size() != names.size() * stride) {
                answer(std::unexpected(unreachable()));
                return;
            }
            QList<Peer> peers;
            QList<QByteArray> lapsed;
            for (qsizetype i = 0; i < names.size(); ++i) {
                const auto &summary = values.at(i * stride);
                if (!summary) {
                    lapsed.append(names.at(i).toUtf8()); // stopped writing: gone from the view
                    continue;
                }
                Peer peer{names.at(i), QJsonDocument::fromJson(*summary).object(), {}};
                if (withSessions && values.at(i * stride + 1))
                    peer.sessions = QJsonDocument::fromJson(*values.at(i * stride + 1)).array();
                peers.append(peer);
            }
            m_node->removeMembers(kNodesSet, lapsed);
            answer(peers);
        });
    });
}

void ClusterDirectory::nodes(Answer answer)
{
    readPeers(false, [this, answer](const std::expected<QList<Peer>, ManagementError> &peers) {
        if (!peers) {
            answer(std::unexpected(peers.error()));
            return;
        }
        QJsonObject self = localSummary();
        self.insert(QStringLiteral("self"), true);
        QJsonArray list{self};
        for (const Peer &peer : *peers) {
            QJsonObject node = peer.summary;
            node.insert(QStringLiteral("name"), peer.name);
            node.insert(QStringLiteral("self"), false);
            list.append(node);
        }
        answer(QJsonObject{{QStringLiteral("nodes"), list}});
    });
}

void ClusterDirectory::sessions(std::function<void(std::expected<QJsonArray, ManagementError>)> answer)
{
    readPeers(true, [this, answer](const std::expected<QList<Peer>, ManagementError> &peers) {
        if (!peers) {
            answer(std::unexpected(peers.error()));
            return;
        }
        QJsonArray list = localSessions(std::numeric_limits<qsizetype>::max());
        for (const Peer &peer : *peers)
            for (const QJsonValue &session : peer.sessions) {
                QJsonObject json = session.toObject();
                json.insert(QStringLiteral("node"), peer.name); // whatever the node wrote
                list.append(json);
            }
        answer(list);
    });
}

void ClusterDirectory::closeOn(const QString &node, const QJsonObject &params, const Caller &caller, Answer answer)
{
    if (const auto error = unavailable()) {
        answer(std::unexpected(*error));
        return;
    }
    m_node->values({nodeKey(node)}, this, [this, node, params, caller, answer](const Cluster::ClusterNode::Values &values,
                                                                              bool reachable) {
        if (!reachable || !m_node || values.size() != 1) {
            answer(std::unexpected(unavailable().value_or(
                ManagementError{ErrorCode::Unavailable, QStringLiteral("the cluster view is unavailable: Redis did not answer")})));
            return;
        }
        if (!values.first()) {
            answer(std::unexpected(ManagementError{ErrorCode::NotFound,
                                                   QStringLiteral("there is no node '%1' in the cluster (cluster.nodes "
                                                                  "lists them)").arg(node),
                                                   QStringLiteral("params.node")}));
            return;
        }
        const QByteArray request = QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
        auto *timeout = new QTimer(this);
        timeout->setSingleShot(true);
        connect(timeout, &QTimer::timeout, this, [this, request, node] {
            qCWarning(lcGateway).noquote() << QStringLiteral("management: node '%1' did not answer a sessions.close "
                                                             "within %2 s").arg(node).arg(kReplyTimeout / 1000);
            settle(request, QJsonObject{{QStringLiteral("node"), node},
                                        {QStringLiteral("reachable"), false},
                                        {QStringLiteral("closed"), QJsonArray()},
                                        {QStringLiteral("unknown"), QJsonArray()}});
        });
        m_pending.insert(request, {answer, node, timeout});
        timeout->start(kReplyTimeout);
        m_node->publish(nodeKey(node, ":control"),
                        compact({{QStringLiteral("type"), QStringLiteral("sessions.close")},
                                 {QStringLiteral("request"), QString::fromLatin1(request)},
                                 {QStringLiteral("from"), m_name},
                                 {QStringLiteral("caller"), QJsonObject{{QStringLiteral("user"), caller.user},
                                                                        {QStringLiteral("address"), caller.address}}},
                                 {QStringLiteral("params"), params}}));
    });
}

void ClusterDirectory::onControl(const QByteArray &payload)
{
    // Only nodes of the cluster can publish here (Redis is theirs, with its password); what
    // they send is still checked as any request is.
    const QJsonObject message = QJsonDocument::fromJson(payload).object();
    const QString from = message.value(u"from").toString();
    const QString request = message.value(u"request").toString();
    static const QRegularExpression nodeName(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
    if (message.value(u"type").toString() != u"sessions.close" || !nodeName.match(from).hasMatch() || request.isEmpty()
        || request.size() > 64 || !m_node || !m_closeHere) {
        qCWarning(lcGateway).noquote() << QStringLiteral("management: a cluster control message that is not a "
                                                         "sessions.close request was ignored");
        return;
    }
    const QJsonObject who = message.value(u"caller").toObject();
    Caller caller;
    caller.user = who.value(u"user").toString().left(128);
    caller.address = QStringLiteral("%1 through node '%2'").arg(who.value(u"address").toString().left(64), from);
    caller.canWrite = true; // the asking node checked the rights
    const OperationResult result = m_closeHere(Params(message.value(u"params").toObject()), caller);
    qCInfo(lcGateway).noquote() << QStringLiteral("management: '%1' from %2: sessions.close %3")
                                       .arg(caller.user, caller.address,
                                            result ? QString::fromUtf8(compact(result->toObject()))
                                                   : QStringLiteral("refused (%1)").arg(result.error().message));
    QJsonObject reply{{QStringLiteral("request"), request}, {QStringLiteral("node"), m_name}};
    if (result)
        reply.insert(QStringLiteral("result"), *result);
    else
        reply.insert(QStringLiteral("error"), result.error().toJson());
    m_node->publish(nodeKey(from, ":reply"), compact(reply));
}

void ClusterDirectory::onReply(const QByteArray &payload)
{
    const QJsonObject message = QJsonDocument::fromJson(payload).object();
    const QByteArray request = message.value(u"request").toString().toLatin1();
    if (!m_pending.contains(request))
        return; // late: already answered as unreachable
    if (message.contains(u"error")) {
        settle(request, std::unexpected(ManagementError::fromJson(message.value(u"error").toObject())));
        return;
    }
    QJsonObject result = message.value(u"result").toObject();
    result.insert(QStringLiteral("node"), m_pending.value(request).node);
    result.insert(QStringLiteral("reachable"), true);
    settle(request, result);
}

void ClusterDirectory::settle(const QByteArray &request, OperationResult result)
{
    const Pending pending = m_pending.take(request);
    pending.timeout->deleteLater();
    pending.answer(std::move(result));
}

} // namespace Postern::Management
