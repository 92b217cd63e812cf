#pragma once

// Counts the gateway's open client connections, in all and per client address, from accept
// until their socket is gone (through HTTP, the WebSocket handshake and the session), and
// says whether a new one is within a port's limits (tcp.maximum.connections and
// tcp.maximum.connections.per.address). One per gateway, shared by its listeners: the limits
// are the port's, the counts the gateway's, so a port with higher limits (management) still
// takes connections when a public port is full. Refusals are logged through a RefusalLog.
// Thread-safe: the listeners of every worker thread admit through the same limiter.

#include "config/acceptoptions.h"
#include "frontdoor/refusallog.h"

#include <QHash>
#include <QHostAddress>
#include <QMutex>
#include <QObject>

class QTcpSocket;

namespace Postern::Frontdoor {

class ConnectionLimiter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionLimiter)

public:
    explicit ConnectionLimiter(QObject *parent = nullptr);

    enum class Verdict { Admitted, GlobalLimit, AddressLimit };

    // Counts `socket`'s connection when the limits of `options` admit it; otherwise counts
    // and logs the refusal (`listener` names the port) and leaves the socket alone. The count
    // is a child object of the socket (countOf()) and drops when that is destroyed: with the
    // socket, or with whatever the connection moved to (PendingUpgrade hands a plain one to
    // a descriptor transport).
    Verdict admit(QTcpSocket *socket, const Config::AcceptOptions &options, const QString &listener);
    // The object that holds `socket`'s place in the count (null when it is not counted).
    static QObject *countOf(const QTcpSocket *socket);

    qint64 open() const
    {
        const QMutexLocker lock(&m_mutex);
        return m_open;
    }
    qint64 openFrom(const QHostAddress &address) const
    {
        const QMutexLocker lock(&m_mutex);
        return m_perAddress.value(address);
    }
    RefusalLog *refusalLog() { return &m_log; }

private:
    void release(const QHostAddress &address);

    mutable QMutex m_mutex; // guards the counts
    qint64 m_open = 0;
    QHash<QHostAddress, qint64> m_perAddress; // only addresses with open connections
    RefusalLog m_log;
};

} // namespace Postern::Frontdoor
