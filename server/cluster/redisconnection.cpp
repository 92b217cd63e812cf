#include "cluster/redisconnection.h"

#include "logging.h"

#include <QSslSocket>
#include <QTcpSocket>

#include <hiredis/hiredis.h>

namespace Postern::Cluster {

namespace {
constexpr int kFirstDelay = 500;
constexpr int kMaximumDelay = 10'000;
constexpr int kConnectTimeout = 5'000;
// A reply larger than this is not something Postern asked for: the connection is dropped.
constexpr qint64 kMaximumBuffered = 64 * 1024 * 1024;
}

RedisConnection::RedisConnection(Settings settings, QObject *parent)
    : QObject(parent), m_settings(std::move(settings)), m_reader(nullptr, redisReaderFree), m_delay(kFirstDelay)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &RedisConnection::connectNow);
    m_connectTimeout.setSingleShot(true);
    connect(&m_connectTimeout, &QTimer::timeout, this, [this] { fail(QStringLiteral("no answer within 5 s")); });
}

RedisConnection::~RedisConnection()
{
    if (m_socket)
        m_socket->abort();
}

void RedisConnection::start()
{
    connectNow();
}

void RedisConnection::connectNow()
{
    m_state = State::Connecting;
    m_reader.reset(redisReaderCreate());
    const bool tls = m_settings.url.scheme() == u"rediss";
    if (tls) {
        auto *socket = new QSslSocket(this);
        socket->setSslConfiguration(m_settings.tls);
        socket->setPeerVerifyName(m_settings.url.host());
        connect(socket, &QSslSocket::encrypted, this, &RedisConnection::onConnected);
        connect(socket, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
            fail(QStringLiteral("TLS: %1").arg(errors.isEmpty() ? QString() : errors.first().errorString()));
        });
        m_socket = socket;
        socket->connectToHostEncrypted(m_settings.url.host(), quint16(m_settings.url.port(6379)));
    } else {
        m_socket = new QTcpSocket(this);
        connect(m_socket, &QTcpSocket::connected, this, &RedisConnection::onConnected);
        m_socket->connectToHost(m_settings.url.host(), quint16(m_settings.url.port(6379)));
    }
    QTcpSocket *socket = m_socket;
    connect(socket, &QTcpSocket::readyRead, this, &RedisConnection::onReadyRead);
    connect(socket, &QAbstractSocket::errorOccurred, this, [this, socket] {
        if (socket == m_socket)
            fail(socket->errorString());
    });
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
        if (socket == m_socket)
            fail(QStringLiteral("the server closed the connection"));
    });
    m_connectTimeout.start(kConnectTimeout);
}

void RedisConnection::onConnected()
{
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    if (m_settings.password.isEmpty()) {
        becomeReady();
        return;
    }
    m_state = State::Authenticating;
    QList<QByteArray> auth{QByteArrayLiteral("AUTH")};
    if (!m_settings.user.isEmpty())
        auth.append(m_settings.user);
    auth.append(m_settings.password);
    send(auth, [this](const RedisReply &reply) {
        if (!reply.isOk()) {
            fail(QStringLiteral("AUTH refused: %1").arg(QString::fromUtf8(reply.string)));
            return;
        }
        becomeReady();
    });
}

void RedisConnection::becomeReady()
{
    m_state = State::Ready;
    m_connectTimeout.stop();
    m_delay = kFirstDelay;
    m_warned = false;
    qCInfo(lcCluster).noquote() << QStringLiteral("%1: connected to %2").arg(m_settings.name, m_settings.url.toString());
    Q_EMIT ready();
}

void RedisConnection::command(const QList<QByteArray> &arguments, Callback callback)
{
    if (m_state != State::Ready) {
        if (callback)
            callback(RedisReply::error("not connected to Redis"));
        return;
    }
    send(arguments, std::move(callback));
}

void RedisConnection::send(const QList<QByteArray> &arguments, Callback callback)
{
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    for (const QByteArray &argument : arguments) {
        argv.push_back(argument.constData());
        lengths.push_back(size_t(argument.size()));
    }
    char *encoded = nullptr;
    const int length = redisFormatCommandArgv(&encoded, int(argv.size()), argv.data(), lengths.data());
    if (length < 0) {
        if (callback)
            callback(RedisReply::error("cannot encode the command"));
        return;
    }
    m_socket->write(encoded, length);
    redisFreeCommand(encoded);
    m_pending.push_back(std::move(callback));
}

void RedisConnection::onReadyRead()
{
    const QByteArray data = m_socket->readAll();
    if (redisReaderFeed(m_reader.get(), data.constData(), size_t(data.size())) != REDIS_OK) {
        fail(QStringLiteral("cannot read the server's answer"));
        return;
    }
    QTcpSocket *socket = m_socket;
    for (;;) {
        void *raw = nullptr;
        if (redisReaderGetReply(m_reader.get(), &raw) != REDIS_OK) {
            fail(QStringLiteral("protocol error: %1").arg(QString::fromUtf8(m_reader->errstr)));
            return;
        }
        if (!raw)
            break;
        const RedisReply reply = convert(raw);
        freeReplyObject(raw);
        const bool push = reply.type == RedisReply::Type::Array && !reply.elements.isEmpty()
            && (reply.elements.first().string == "message" || reply.elements.first().string == "pmessage");
        if (push) {
            Q_EMIT pushed(reply);
        } else if (!m_pending.empty()) {
            Callback callback = std::move(m_pending.front());
            m_pending.pop_front();
            if (callback)
                callback(reply);
        }
        if (socket != m_socket || m_state == State::Waiting)
            return; // a callback or a receiver failed or restarted the connection
    }
    if (m_reader->len > size_t(kMaximumBuffered))
        fail(QStringLiteral("an answer larger than 64 MiB"));
}

RedisReply RedisConnection::convert(const void *raw)
{
    const auto *reply = static_cast<const redisReply *>(raw);
    RedisReply out;
    switch (reply->type) {
    case REDIS_REPLY_STRING:
        out.type = RedisReply::Type::String;
        out.string = QByteArray(reply->str, qsizetype(reply->len));
        break;
    case REDIS_REPLY_STATUS:
        out.type = RedisReply::Type::Status;
        out.string = QByteArray(reply->str, qsizetype(reply->len));
        break;
    case REDIS_REPLY_ERROR:
        out.type = RedisReply::Type::Error;
        out.string = QByteArray(reply->str, qsizetype(reply->len));
        break;
    case REDIS_REPLY_INTEGER:
        out.type = RedisReply::Type::Integer;
        out.integer = reply->integer;
        break;
    case REDIS_REPLY_ARRAY:
        out.type = RedisReply::Type::Array;
        for (size_t i = 0; i < reply->elements; ++i)
            out.elements.append(convert(reply->element[i]));
        break;
    default:
        out.type = RedisReply::Type::Nil;
    }
    return out;
}

void RedisConnection::fail(const QString &reason)
{
    if (m_state == State::Waiting)
        return;
    const bool wasReady = m_state == State::Ready;
    m_state = State::Waiting;
    m_connectTimeout.stop();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    std::deque<Callback> pending;
    pending.swap(m_pending);
    for (Callback &callback : pending)
        if (callback)
            callback(RedisReply::error("connection to Redis lost"));
    const QString line = QStringLiteral("%1: %2 %3: %4; next attempt in %5 ms")
                             .arg(m_settings.name, m_settings.url.toString(), wasReady ? u"lost" : u"unavailable", reason)
                             .arg(m_delay);
    if (m_warned)
        qCDebug(lcCluster).noquote() << line;
    else
        qCWarning(lcCluster).noquote() << line;
    m_warned = true;
    m_retry.start(m_delay);
    m_delay = std::min(m_delay * 2, kMaximumDelay);
    if (wasReady)
        Q_EMIT lost(reason);
}

} // namespace Postern::Cluster
