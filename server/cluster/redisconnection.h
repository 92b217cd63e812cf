#pragma once

// One connection to Redis, kept up: RESP commands are encoded and replies parsed by hiredis
// (its command formatter and reader; Debian's hiredis 0.14 has no TLS of its own), carried
// over a QTcpSocket, or a QSslSocket for rediss:// verified against the truststore with the
// server's host name. AUTH goes first when there is a password. A lost or refused connection
// is tried again after 500 ms, doubled up to 10 s; commands given while it is down are
// answered at once with an error reply, so callers treat Redis as best effort and go on
// serving. On a connection that has subscribed, the messages Redis pushes come out as
// pushed().

#include "cluster/redisreply.h"

#include <QList>
#include <QObject>
#include <QSslConfiguration>
#include <QTimer>
#include <QUrl>

#include <deque>
#include <functional>
#include <memory>

class QTcpSocket;
struct redisReader;

namespace Postern::Cluster {

class RedisConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RedisConnection)

public:
    struct Settings
    {
        QUrl url;                 // redis://host:port or rediss://host:port
        QByteArray user;          // empty: AUTH password
        QByteArray password;      // empty: no AUTH
        QSslConfiguration tls;    // rediss://: the truststore, peer verified
        QString name;             // for the log: "cluster node a, subscriber"
    };
    using Callback = std::function<void(const RedisReply &)>;

    explicit RedisConnection(Settings settings, QObject *parent = nullptr);
    ~RedisConnection() override;

    void start();
    bool isReady() const { return m_state == State::Ready; }
    // Sends a command; `callback` gets its reply (or an error reply when not connected, or
    // when the connection is lost before the reply).
    void command(const QList<QByteArray> &arguments, Callback callback = {});

Q_SIGNALS:
    // Connected (and authenticated): the first time and after every reconnection.
    void ready();
    void lost(const QString &reason);
    // A message Redis pushed to a subscribed connection: ["message", channel, payload].
    void pushed(const Postern::Cluster::RedisReply &reply);

private:
    enum class State { Idle, Connecting, Authenticating, Ready, Waiting };

    void connectNow();
    void onConnected();
    // Connected (and authenticated): commands may go, the back-off starts again.
    void becomeReady();
    void onReadyRead();
    void fail(const QString &reason);
    void send(const QList<QByteArray> &arguments, Callback callback);
    static RedisReply convert(const void *reply);

    Settings m_settings;
    QTcpSocket *m_socket = nullptr;
    std::unique_ptr<redisReader, void (*)(redisReader *)> m_reader;
    std::deque<Callback> m_pending;
    QTimer m_retry;
    QTimer m_connectTimeout;
    int m_delay;
    State m_state = State::Idle;
    bool m_warned = false; // the first failure of a run is a warning; the retries are quiet
};

} // namespace Postern::Cluster
