#include "frontdoor/connectionlimiter.h"

#include <QTcpSocket>

namespace Postern::Frontdoor {

namespace {
// The child of a counted socket that holds its place in the count.
QString countName()
{
    return QStringLiteral("postern-connection-count");
}
} // namespace

ConnectionLimiter::ConnectionLimiter(QObject *parent) : QObject(parent), m_log(this) {}

ConnectionLimiter::Verdict ConnectionLimiter::admit(QTcpSocket *socket, const Config::AcceptOptions &options,
                                                    const QString &listener)
{
    QHostAddress address = socket->peerAddress();
    // An IPv4 client of a dual-stack socket is one client, however it is spelt.
    bool isV4 = false;
    if (const quint32 v4 = address.toIPv4Address(&isV4); isV4)
        address = QHostAddress(v4);
    const QMutexLocker lock(&m_mutex);
    if (m_open >= options.maximumConnections) {
        m_log.refused(QStringLiteral("global"),
                      QStringLiteral("refused a connection from %1 on %2: the gateway has %3 connections open "
                                     "(tcp.maximum.connections %4); further refusals are summed every %5 s")
                          .arg(address.toString(), listener).arg(m_open).arg(options.maximumConnections)
                          .arg(qint64(RefusalLog::kInterval.count())),
                      QStringLiteral("refused {count} more connections in the last {seconds} s: tcp.maximum.connections %1")
                          .arg(options.maximumConnections));
        return Verdict::GlobalLimit;
    }
    qint64 &fromAddress = m_perAddress[address];
    if (fromAddress >= options.maximumConnectionsPerAddress) {
        m_log.refused(u"address " + address.toString(),
                      QStringLiteral("refused a connection from %1 on %2: %3 connections from that address are open "
                                     "(tcp.maximum.connections.per.address %4); further refusals are summed every %5 s")
                          .arg(address.toString(), listener).arg(fromAddress).arg(options.maximumConnectionsPerAddress)
                          .arg(qint64(RefusalLog::kInterval.count())),
                      QStringLiteral("refused {count} more connections from %1 in the last {seconds} s: "
                                     "tcp.maximum.connections.per.address %2")
                          .arg(address.toString()).arg(options.maximumConnectionsPerAddress));
        return Verdict::AddressLimit;
    }
    ++fromAddress;
    ++m_open;
    // The connection moves from the front door to the handshake to the session; its count is
    // destroyed once, when the connection is over, in whichever thread it lives.
    auto *count = new QObject(socket);
    count->setObjectName(countName());
    connect(count, &QObject::destroyed, this, [this, address] { release(address); }, Qt::DirectConnection);
    return Verdict::Admitted;
}

QObject *ConnectionLimiter::countOf(const QTcpSocket *socket)
{
    return socket->findChild<QObject *>(countName(), Qt::FindDirectChildrenOnly);
}

void ConnectionLimiter::release(const QHostAddress &address)
{
    const QMutexLocker lock(&m_mutex);
    --m_open;
    auto it = m_perAddress.find(address);
    if (it != m_perAddress.end() && --*it <= 0)
        m_perAddress.erase(it);
}

} // namespace Postern::Frontdoor
