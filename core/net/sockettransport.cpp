#include "net/sockettransport.h"

#include "util/socketoutput.h"

#include <QTcpSocket>

namespace Postern::Net {

SocketTransport::SocketTransport(QTcpSocket *socket, QObject *parent) : Transport(parent), m_socket(socket)
{
    m_socket->setParent(this);
    connect(m_socket, &QTcpSocket::readyRead, this, &SocketTransport::tellReadyRead);
    Util::SocketOutput::onSent(m_socket, this, [this](qint64 bytes) { tellSent(bytes); });
    connect(m_socket, &QTcpSocket::disconnected, this, &Transport::disconnected);
}

SocketTransport::~SocketTransport() = default;

void SocketTransport::setReadAhead(qint64 bytes)
{
    m_socket->setReadBufferSize(bytes);
}

bool SocketTransport::isOpen() const
{
    return m_socket->state() == QAbstractSocket::ConnectedState;
}

bool SocketTransport::isClosed() const
{
    return m_socket->state() == QAbstractSocket::UnconnectedState;
}

qint64 SocketTransport::bytesAvailable() const
{
    return m_socket->bytesAvailable();
}

bool SocketTransport::mayHaveInput() const
{
    return m_socket->bytesAvailable() > 0;
}

qint64 SocketTransport::read(char *data, qint64 maximum)
{
    return qMax<qint64>(m_socket->read(data, maximum), 0);
}

void SocketTransport::discardInput()
{
    m_socket->skip(m_socket->bytesAvailable());
}

void SocketTransport::write(QByteArrayView bytes)
{
    m_socket->write(bytes.data(), bytes.size());
}

qint64 SocketTransport::unsent() const
{
    return Util::SocketOutput::unsent(m_socket);
}

void SocketTransport::disconnectFromHost()
{
    m_socket->disconnectFromHost();
}

void SocketTransport::abort()
{
    m_socket->abort();
}

QString SocketTransport::errorString() const
{
    const QAbstractSocket::SocketError error = m_socket->error();
    if (error == QAbstractSocket::UnknownSocketError || error == QAbstractSocket::RemoteHostClosedError)
        return {}; // no error, or an orderly end
    return m_socket->errorString();
}

} // namespace Postern::Net
