#include "frontdoor/listener.h"

#include "frontdoor/connectionlimiter.h"
#include "frontdoor/httpconnection.h"
#include "frontdoor/overloadresponder.h"
#include "logging.h"
#include "metrics.h"

#include <QSslSocket>

#include <cerrno>
#include <cstring>
#include <mutex>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Postern::Frontdoor {

namespace {
// Refused plain-text connections still being answered, at most; past it they are closed.
constexpr int kMaximumAnswering = 64;
// Backlog connections refused per accept failure, at most (the next failure takes more).
constexpr int kMaximumRefusedPerRound = 256;
// Connections accepted per wake-up, at most, so that one busy port cannot starve the others.
constexpr int kMaximumAcceptedPerRound = 64;

int openReserve()
{
    return ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

// Held around every accept() of every listener, in every thread: a listener out of
// descriptors frees its reserve for the one accept() that refuses a waiting connection, and
// without this another thread's listener could take that descriptor for a connection of its
// own in between; the first would then have no reserve left, and what waits in its backlog
// would hang instead of being refused.
std::mutex acceptMutex;
} // namespace

Listener::Listener(ListenerContextPtr context, QObject *connectionOwner, QObject *parent)
    : QTcpServer(parent), m_context(std::move(context)), m_connectionOwner(connectionOwner),
      m_reserveDescriptor(openReserve())
{
    m_acceptRetry.setSingleShot(true);
    connect(&m_acceptRetry, &QTimer::timeout, this, [this] {
        if (m_notifier)
            m_notifier->setEnabled(true);
    });
}

std::expected<int, QString> Listener::openSocket(const QHostAddress &address, quint16 port, bool shared)
{
    sockaddr_storage storage{};
    socklen_t length = 0;
    const bool v6 = address.protocol() == QAbstractSocket::IPv6Protocol || address == QHostAddress(QHostAddress::Any);
    if (v6) {
        auto *in6 = reinterpret_cast<sockaddr_in6 *>(&storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        const Q_IPV6ADDR bytes = address == QHostAddress(QHostAddress::Any) ? Q_IPV6ADDR{} : address.toIPv6Address();
        std::memcpy(&in6->sin6_addr, &bytes, sizeof bytes);
        in6->sin6_scope_id = address.scopeId().toUInt();
        length = sizeof(sockaddr_in6);
    } else {
        auto *in4 = reinterpret_cast<sockaddr_in *>(&storage);
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        in4->sin_addr.s_addr = htonl(address.toIPv4Address());
        length = sizeof(sockaddr_in);
    }
    const int descriptor = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (descriptor < 0)
        return std::unexpected(QString::fromLocal8Bit(std::strerror(errno)));
    const int on = 1;
    // As QTcpServer::listen() does: a restarted gateway binds while old connections linger in
    // TIME_WAIT. Only QHostAddress::Any ("any address") is dual-stack.
    ::setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (v6) {
        const int v6Only = address == QHostAddress(QHostAddress::Any) ? 0 : 1;
        ::setsockopt(descriptor, IPPROTO_IPV6, IPV6_V6ONLY, &v6Only, sizeof v6Only);
    }
    if ((shared && ::setsockopt(descriptor, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0)
        || ::bind(descriptor, reinterpret_cast<const sockaddr *>(&storage), length) != 0
        || ::listen(descriptor, SOMAXCONN) != 0) {
        const int error = errno;
        ::close(descriptor);
        return std::unexpected(QString::fromLocal8Bit(std::strerror(error)));
    }
    return descriptor;
}

void Listener::start(int descriptor)
{
    setSocketDescriptor(descriptor);
    pauseAccepting(); // QTcpServer's own accepting stays off: see the header
    m_notifier = new QSocketNotifier(socketDescriptor(), QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &Listener::acceptPending);
}

void Listener::stop()
{
    m_acceptRetry.stop();
    delete m_notifier; // before the descriptor it watches is closed
    m_notifier = nullptr;
    close();
}

Listener::~Listener()
{
    delete m_notifier;
    if (m_reserveDescriptor >= 0)
        ::close(m_reserveDescriptor);
}

void Listener::acceptPending()
{
    for (int i = 0; i < kMaximumAcceptedPerRound && m_notifier; ++i) {
        int descriptor = -1;
        int error = 0;
        {
            const std::lock_guard lock(acceptMutex);
            descriptor = ::accept4(int(socketDescriptor()), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
            error = errno;
        }
        if (descriptor >= 0) {
            incomingConnection(descriptor);
            continue;
        }
        if (error == EINTR || error == ECONNABORTED || error == EPROTO)
            continue; // that one is gone; the next may be fine
        if (error != EAGAIN && error != EWOULDBLOCK)
            onAcceptFailure(error);
        return;
    }
}

void Listener::incomingConnection(qintptr descriptor)
{
    QTcpSocket *socket = m_context->secure ? new QSslSocket : new QTcpSocket;
    if (!socket->setSocketDescriptor(descriptor)) {
        qCWarning(lcFrontdoor).noquote() << QStringLiteral("cannot take a connection on %1: %2")
                                                .arg(m_context->displayName, socket->errorString());
        ::close(int(descriptor));
        delete socket;
        return;
    }
    if (ConnectionLimiter *limiter = m_context->limiter) {
        const ConnectionLimiter::Verdict verdict = limiter->admit(socket, m_context->options, m_context->displayName);
        if (verdict != ConnectionLimiter::Verdict::Admitted) {
            if (m_context->metrics)
                m_context->metrics->countRefusal({}, QStringLiteral("connection-limit"));
            // A TLS client could only be answered after a handshake, which costs more than the
            // connection it refuses: it is closed.
            if (m_context->secure || m_answering >= kMaximumAnswering) {
                socket->abort();
                delete socket;
                return;
            }
            ++m_answering;
            auto *responder = new OverloadResponder(
                socket,
                verdict == ConnectionLimiter::Verdict::AddressLimit
                    ? QStringLiteral("Too many connections from your address; try again later.")
                    : QStringLiteral("The gateway has too many connections; try again later."),
                this);
            connect(responder, &QObject::destroyed, this, [this] { --m_answering; });
            return;
        }
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    new HttpConnection(socket, m_context, m_connectionOwner);
}

void Listener::onAcceptFailure(int error)
{
    m_notifier->setEnabled(false);
    if (error == EINVAL)
        return; // the socket was shut down (its address is no longer served): stop() follows
    const bool outOfDescriptors = error == EMFILE || error == ENFILE;
    const qint64 refused = outOfDescriptors ? refuseBacklog() : 0;
    if (m_context->metrics)
        for (qint64 i = 0; i < refused; ++i)
            m_context->metrics->countRefusal({}, QStringLiteral("accept-failed"));
    const QString reason = QString::fromLocal8Bit(std::strerror(error));
    if (ConnectionLimiter *limiter = m_context->limiter)
        limiter->refusalLog()->refused(
            u"accept " + m_context->displayName,
            QStringLiteral("cannot accept connections on %1: %2%3; new connections are refused and accepting is tried "
                           "again every %4 ms; further failures are summed every %5 s")
                .arg(m_context->displayName, reason,
                     outOfDescriptors ? QStringLiteral(" (out of file descriptors: see tcp.maximum.connections)")
                                      : QString())
                .arg(kAcceptRetry.count()).arg(qint64(RefusalLog::kInterval.count())),
            QStringLiteral("accept on %1 failed {count} more times in the last {seconds} s: %2")
                .arg(m_context->displayName, reason));
    m_acceptRetry.start(kAcceptRetry);
}

qint64 Listener::refuseBacklog()
{
    // A reserve lost to another use of descriptors is opened again at the end of the round,
    // once one is free.
    const std::lock_guard lock(acceptMutex);
    if (m_reserveDescriptor >= 0) {
        ::close(m_reserveDescriptor);
        m_reserveDescriptor = -1;
    }
    qint64 refused = 0;
    while (refused < kMaximumRefusedPerRound) {
        const int descriptor = ::accept4(int(socketDescriptor()), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (descriptor < 0)
            break;
        ::close(descriptor);
        ++refused;
    }
    m_reserveDescriptor = openReserve();
    return refused;
}

} // namespace Postern::Frontdoor
