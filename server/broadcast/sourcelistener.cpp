#include "broadcast/sourcelistener.h"

#include "logging.h"

#include <QHostAddress>
#include <QTcpSocket>

namespace Postern::Broadcast {

namespace {
constexpr qint64 kReadSize = 64 * 1024;

QString peerOf(const QTcpSocket *socket)
{
    return QStringLiteral("%1:%2").arg(socket->peerAddress().toString()).arg(socket->peerPort());
}
}

SourceListener::SourceListener(QString serviceName, const Config::BroadcastOptions &options, QObject *parent)
    : QObject(parent), m_serviceName(std::move(serviceName)), m_options(options)
{
    connect(&m_server, &QTcpServer::pendingConnectionAvailable, this, &SourceListener::accept);
}

SourceListener::~SourceListener()
{
    for (QTcpSocket *socket : m_sources.keys())
        socket->abort();
}

bool SourceListener::listen(QString *error)
{
    const QUrl &url = m_options.sourceAccept;
    const QHostAddress address = url.host() == u"localhost" ? QHostAddress(QHostAddress::LocalHost) : QHostAddress(url.host());
    if (m_server.listen(address, quint16(url.port())))
        return true;
    if (error)
        *error = QStringLiteral("broadcast service '%1': cannot listen for sources on %2: %3")
                     .arg(m_serviceName, url.toString(), m_server.errorString());
    return false;
}

void SourceListener::setOptions(const Config::BroadcastOptions &options)
{
    m_options = options;
}

void SourceListener::accept()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        socket->setParent(this);
        if (m_sources.size() >= kMaximumSources) {
            qCWarning(lcBroadcast).noquote() << QStringLiteral("broadcast '%1': source %2 refused: %3 sources are connected already")
                                                    .arg(m_serviceName, peerOf(socket)).arg(kMaximumSources);
            socket->abort();
            socket->deleteLater();
            continue;
        }
        m_sources.insert(socket, SourceFramer(m_options.framing, m_options.maximumSourceMessageSize));
        qCInfo(lcBroadcast).noquote() << QStringLiteral("broadcast '%1': source %2 connected on %3")
                                             .arg(m_serviceName, peerOf(socket), m_options.sourceAccept.toString());
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] { drop(socket, QStringLiteral("disconnected")); });
        Q_EMIT sourceCountChanged(int(m_sources.size()));
        read(socket);
    }
}

void SourceListener::read(QTcpSocket *socket)
{
    for (auto source = m_sources.find(socket); source != m_sources.end() && socket->bytesAvailable() > 0;
         source = m_sources.find(socket)) {
        const auto messages = source->feed(socket->read(kReadSize));
        if (!messages) {
            drop(socket, u"dropped: " + messages.error());
            return;
        }
        for (const auto &message : *messages)
            Q_EMIT this->message(message.opcode, message.payload);
    }
}

void SourceListener::drop(QTcpSocket *socket, const QString &reason)
{
    if (!m_sources.remove(socket))
        return;
    qCInfo(lcBroadcast).noquote() << QStringLiteral("broadcast '%1': source %2 %3")
                                         .arg(m_serviceName, peerOf(socket), reason);
    socket->disconnect(this);
    socket->abort();
    socket->deleteLater();
    Q_EMIT sourceCountChanged(int(m_sources.size()));
}

} // namespace Postern::Broadcast
