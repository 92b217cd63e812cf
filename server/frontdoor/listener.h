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

#include "frontdoor/listenercontext.h"

#include <QSocketNotifier>
#include <QTcpServer>
#include <QTimer>

#include <chrono>

namespace Postern::Frontdoor {

class Listener final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Listener)

public:
    static constexpr std::chrono::milliseconds kAcceptRetry{250};

    Listener(ListenerContextPtr context, QObject *connectionOwner, QObject *parent = nullptr);
    ~Listener() override;

    // listen() and stop listening (QTcpServer's listen() and close(), with its own accepting).
    bool start(const QHostAddress &address, quint16 port);
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
