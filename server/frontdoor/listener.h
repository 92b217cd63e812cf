#pragma once

// Accepts TCP connections on one address and hands each to an HttpConnection. For TLS
// listeners the socket is a QSslSocket that starts unencrypted: the connection reads the
// ClientHello's server name first and only then starts the handshake with the matching
// certificate (which QSslServer, starting it at once, cannot do).

#include "frontdoor/listenercontext.h"

#include <QTcpServer>

namespace Postern::Frontdoor {

class Listener final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Listener)

public:
    Listener(ListenerContextPtr context, QObject *connectionOwner, QObject *parent = nullptr);

    void setContext(ListenerContextPtr context) { m_context = std::move(context); }
    const ListenerContextPtr &context() const { return m_context; }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    ListenerContextPtr m_context;
    QObject *m_connectionOwner;
};

} // namespace Postern::Frontdoor
