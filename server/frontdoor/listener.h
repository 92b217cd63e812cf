#pragma once

// Accepts TCP connections on one address and hands each to an HttpConnection. For TLS
// listeners the socket is a QSslSocket that starts unencrypted: the connection reads the
// ClientHello's server name first and only then starts the handshake with the matching
// certificate (which QSslServer, starting it at once, cannot do).
// Connections over the gateway's limits are refused here (503 in plain text, closed on TLS).
// The listener accepts by itself rather than through QTcpServer: Qt 6.4 takes accept()'s
// EMFILE for a temporary error and calls it again at once, for ever (100 % CPU while the
// gateway is out of file descriptors). Here a failing accept() refuses what waits in the
// backlog (with a descriptor kept in reserve for that) and pauses accepting for a moment.
// The listening socket is opened by openSocket(), so that several listeners (one per worker
// thread) can share a port with SO_REUSEPORT: the kernel spreads connections among them.

#include "frontdoor/listenercontext.h"

#include <QSocketNotifier>
#include <QTcpServer>
#include <QTimer>

#include <chrono>
#include <expected>

namespace Postern::Frontdoor {

class Listener final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Listener)

public:
    static constexpr std::chrono::milliseconds kAcceptRetry{250};

    Listener(ListenerContextPtr context, QObject *connectionOwner, QObject *parent = nullptr);
    ~Listener() override;

    // A listening socket on `address` and `port` (non-blocking, close-on-exec); with `shared`,
    // SO_REUSEPORT lets other sockets of this user listen on the same port. Errors are said
    // in words ("Address already in use").
    static std::expected<int, QString> openSocket(const QHostAddress &address, quint16 port, bool shared);
    // Starts accepting on a socket from openSocket() (which it then owns), or stops: closes it.
    void start(int descriptor);
    void stop();

    void setContext(ListenerContextPtr context) { m_context = std::move(context); }
    const ListenerContextPtr &context() const { return m_context; }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void acceptPending();
    void onAcceptFailure(int error);
    // Accepts and closes what waits in the backlog, using the reserve descriptor.
    qint64 refuseBacklog();

    ListenerContextPtr m_context;
    QObject *m_connectionOwner;
    QSocketNotifier *m_notifier = nullptr;
    QTimer m_acceptRetry;
    int m_reserveDescriptor = -1;
    int m_answering = 0; // OverloadResponders alive
};

} // namespace Postern::Frontdoor
