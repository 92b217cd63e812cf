#include "cluster/clusternode.h"

#include "logging.h"

namespace Postern::Cluster {

namespace {

// Takes the lease when it is free, renews it when this node holds it; 1 when held after.
const QByteArray kClaimScript = QByteArrayLiteral(
    "local holder = redis.call('GET', KEYS[1]) "
    "if holder == false then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end "
    "if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end "
    "return 0");
const QByteArray kReleaseScript = QByteArrayLiteral(
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0");

RedisConnection::Settings settingsFor(const Config::ClusterConfig &config, const QByteArray &password,
                                      const QSslConfiguration &tls, const QString &role)
{
    RedisConnection::Settings settings;
    settings.url = config.redis;
    settings.user = config.user.toUtf8();
    settings.password = password;
    settings.tls = tls;
    settings.name = QStringLiteral("cluster node '%1' (%2)").arg(config.nodeName, role);
    return settings;
}

} // namespace

ClusterNode::ClusterNode(const Config::ClusterConfig &config, const QByteArray &password, const QSslConfiguration &tls,
                         QObject *parent)
    : QObject(parent), m_config(config), m_password(password), m_tls(tls), m_name(config.nodeName),
      m_commands(new RedisConnection(settingsFor(config, password, tls, QStringLiteral("commands")), this)),
      m_subscriber(new RedisConnection(settingsFor(config, password, tls, QStringLiteral("subscriber")), this))
{
    connect(m_subscriber, &RedisConnection::pushed, this, &ClusterNode::onPushed);
    connect(m_subscriber, &RedisConnection::ready, this, &ClusterNode::resubscribe);
    for (RedisConnection *connection : {m_commands, m_subscriber}) {
        connect(connection, &RedisConnection::ready, this, [this] {
            if (isUp())
                Q_EMIT up();
        });
        connect(connection, &RedisConnection::lost, this, [this] { Q_EMIT down(); });
    }
}

ClusterNode::~ClusterNode() = default;

void ClusterNode::start()
{
    m_commands->start();
    m_subscriber->start();
}

void ClusterNode::publish(const QByteArray &channel, const QByteArray &payload)
{
    m_commands->command({QByteArrayLiteral("PUBLISH"), channel, payload});
}

void ClusterNode::subscribe(const QByteArray &channel, QObject *context, Handler handler)
{
    m_subscriptions.insert(channel, {context, std::move(handler)});
    if (m_subscriber->isReady())
        m_subscriber->command({QByteArrayLiteral("SUBSCRIBE"), channel});
}

void ClusterNode::unsubscribe(const QByteArray &channel)
{
    if (m_subscriptions.remove(channel) && m_subscriber->isReady())
        m_subscriber->command({QByteArrayLiteral("UNSUBSCRIBE"), channel});
}

void ClusterNode::resubscribe()
{
    for (auto it = m_subscriptions.cbegin(); it != m_subscriptions.cend(); ++it)
        m_subscriber->command({QByteArrayLiteral("SUBSCRIBE"), it.key()});
}

void ClusterNode::onPushed(const RedisReply &reply)
{
    // ["message", channel, payload]
    if (reply.elements.size() != 3 || reply.elements.first().string != "message")
        return;
    const auto it = m_subscriptions.constFind(reply.elements.at(1).string);
    if (it != m_subscriptions.cend() && it->context)
        it->handler(reply.elements.at(2).string);
}

void ClusterNode::claim(const QByteArray &key, int ttl, QObject *context, std::function<void(bool, bool)> result)
{
    QPointer<QObject> guard(context);
    m_commands->command({QByteArrayLiteral("EVAL"), kClaimScript, QByteArrayLiteral("1"), key, m_name.toUtf8(),
                         QByteArray::number(ttl)},
                        [guard, result](const RedisReply &reply) {
                            if (!guard)
                                return;
                            if (reply.isError())
                                result(false, false);
                            else
                                result(reply.type == RedisReply::Type::Integer && reply.integer == 1, true);
                        });
}

void ClusterNode::release(const QByteArray &key)
{
    m_commands->command({QByteArrayLiteral("EVAL"), kReleaseScript, QByteArrayLiteral("1"), key, m_name.toUtf8()});
}

void ClusterNode::setValue(const QByteArray &key, const QByteArray &value, int ttl)
{
    m_commands->command({QByteArrayLiteral("SET"), key, value, QByteArrayLiteral("PX"), QByteArray::number(ttl)});
}

void ClusterNode::values(const QList<QByteArray> &keys, QObject *context,
                         std::function<void(const Values &, bool)> result)
{
    if (keys.isEmpty()) {
        result({}, m_commands->isReady());
        return;
    }
    QPointer<QObject> guard(context);
    m_commands->command(QList<QByteArray>{QByteArrayLiteral("MGET")} + keys, [guard, result](const RedisReply &reply) {
        if (!guard)
            return;
        if (reply.type != RedisReply::Type::Array) {
            result({}, false);
            return;
        }
        Values values;
        for (const RedisReply &element : reply.elements)
            values.append(element.type == RedisReply::Type::String ? std::optional<QByteArray>(element.string) : std::nullopt);
        result(values, true);
    });
}

void ClusterNode::addMember(const QByteArray &key, const QByteArray &member)
{
    m_commands->command({QByteArrayLiteral("SADD"), key, member});
}

void ClusterNode::removeMembers(const QByteArray &key, const QList<QByteArray> &members)
{
    if (!members.isEmpty())
        m_commands->command(QList<QByteArray>{QByteArrayLiteral("SREM"), key} + members);
}

void ClusterNode::members(const QByteArray &key, QObject *context,
                          std::function<void(const QList<QByteArray> &, bool)> result)
{
    QPointer<QObject> guard(context);
    m_commands->command({QByteArrayLiteral("SMEMBERS"), key}, [guard, result](const RedisReply &reply) {
        if (!guard)
            return;
        if (reply.type != RedisReply::Type::Array) {
            result({}, false);
            return;
        }
        QList<QByteArray> members;
        for (const RedisReply &element : reply.elements)
            members.append(element.string);
        result(members, true);
    });
}

} // namespace Postern::Cluster
