#include "frontdoor/overloadresponder.h"

#include "frontdoor/httpresponse.h"

#include <QTcpSocket>

#include <sys/socket.h>

namespace Postern::Frontdoor {

OverloadResponder::OverloadResponder(QTcpSocket *socket, const QString &detail, QObject *parent)
    : QObject(parent), m_socket(socket)
{
    m_socket->setParent(this);
    m_socket->setReadBufferSize(4096);
    HttpResponse response = HttpResponse::error(503, detail);
    response.setHeader("Retry-After", QByteArray::number(qint64(kRetryAfter.count())));
    m_socket->write(response.serializeHead(false) + response.body);
    m_socket->flush();
    connect(m_socket, &QTcpSocket::readyRead, this, [this] { m_socket->skip(m_socket->bytesAvailable()); });
    connect(m_socket, &QTcpSocket::disconnected, this, &QObject::deleteLater);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        m_socket->abort();
        deleteLater();
    });
    m_timer.start(kGrace);
    if (m_socket->bytesToWrite() == 0)
        ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR); // FIN after the answer; reading goes on
    else
        m_socket->disconnectFromHost(); // a full send buffer on a fresh connection: rare; close after it
}

OverloadResponder::~OverloadResponder() = default;

} // namespace Postern::Frontdoor
