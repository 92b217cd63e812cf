#include "frontdoor/listener.h"

#include "frontdoor/httpconnection.h"
#include "logging.h"

#include <QSslSocket>

#include <unistd.h>

namespace Postern::Frontdoor {

Listener::Listener(ListenerContextPtr context, QObject *connectionOwner, QObject *parent)
    : QTcpServer(parent), m_context(std::move(context)), m_connectionOwner(connectionOwner)
{
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
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    new HttpConnection(socket, m_context, m_connectionOwner);
}

} // namespace Postern::Frontdoor
