#pragma once

// This gateway as one node of a cluster that meets through Redis: publishes to channels and
// hands out what other nodes published, and holds leases (a key only one node can hold at a
// time, which lapses unless renewed) so that one node does what only one may do. It keeps two
// connections, since a Redis connection that subscribes can do nothing else. Redis being down
// is expected: publishes are dropped, leases are not held, and subscriptions come back with
// the connection; the gateway keeps serving its own clients meanwhile.

#include "cluster/redisconnection.h"
#include "config/clusterconfig.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <functional>
#include <optional>

namespace Postern::Cluster {

class ClusterNode final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClusterNode)

public:
    using Handler = std::function<void(const QByteArray &payload)>;

    // `password`: read from the password file; `tls`: for rediss:// (the truststore).
    ClusterNode(const Config::ClusterConfig &config, const QByteArray &password, const QSslConfiguration &tls,
                QObject *parent = nullptr);
    ~ClusterNode() override;

    void start();
    const QString &name() const { return m_name; }
    const Config::ClusterConfig &config() const { return m_config; }
    // What it was made with, so that a reload can tell whether it changes anything.
    const QByteArray &password() const { return m_password; }
    const QSslConfiguration &tls() const { return m_tls; }
    // Both connections are up.
    bool isUp() const { return m_commands->isReady() && m_subscriber->isReady(); }

    // Sends `payload` to every node subscribed to `channel` (this one included); dropped when
    // Redis is down.
    void publish(const QByteArray &channel, const QByteArray &payload);
    // Calls `handler` (while `context` lives) with what is published on `channel`, from now on
    // and again after every reconnection.
    void subscribe(const QByteArray &channel, QObject *context, Handler handler);
    void unsubscribe(const QByteArray &channel);
    // Takes or renews the lease `key` for `ttl` ms; `result` says whether this node holds it
    // (false too when Redis cannot be asked: `reachable` false then).
    void claim(const QByteArray &key, int ttl, QObject *context, std::function<void(bool held, bool reachable)> result);
    // Gives the lease up, if this node holds it.
    void release(const QByteArray &key);

    // Plain keys and sets, best effort like publish(): writes are dropped while Redis is
    // down; reads answer `reachable` false then.
    using Values = QList<std::optional<QByteArray>>; // one per key asked, nothing for a missing key
    // SET key value PX ttl: the key lapses unless written again within `ttl` ms.
    void setValue(const QByteArray &key, const QByteArray &value, int ttl);
    // MGET: the values of `keys`, in their order.
    void values(const QList<QByteArray> &keys, QObject *context, std::function<void(const Values &values, bool reachable)> result);
    // SADD / SREM / SMEMBERS on the set `key`.
    void addMember(const QByteArray &key, const QByteArray &member);
    void removeMembers(const QByteArray &key, const QList<QByteArray> &members);
    void members(const QByteArray &key, QObject *context, std::function<void(const QList<QByteArray> &members, bool reachable)> result);

Q_SIGNALS:
    void up();
    void down();

private:
    struct Subscription
    {
        QPointer<QObject> context;
        Handler handler;
    };

    void resubscribe();
    void onPushed(const RedisReply &reply);

    Config::ClusterConfig m_config;
    QByteArray m_password;
    QSslConfiguration m_tls;
    QString m_name;
    RedisConnection *m_commands;
    RedisConnection *m_subscriber;
    QHash<QByteArray, Subscription> m_subscriptions;
};

} // namespace Postern::Cluster
