#pragma once

// What GET /metrics reports (Prometheus text format 0.0.4): the refusals the front door and
// the services gave, by service and reason, with the session registry's counts per service
// (sessions now and in all, messages and bytes each way, handshakes), and what broadcast
// services delivered and dropped. Counted from any thread (the worker threads count their
// refusals here too).

#include <QHash>
#include <QMutex>
#include <QPair>
#include <QString>
#include <QStringList>

namespace Postern::Sessions { class SessionRegistry; }

namespace Postern {

class Metrics final
{
public:
    // `reason`: a short token ("authentication", "origin", "back-end"); `service` may be empty
    // (refused before a service was known).
    void countRefusal(const QString &service, const QString &reason);
    quint64 refusals(const QString &service, const QString &reason) const
    {
        const QMutexLocker lock(&m_mutex);
        return m_refusals.value({service, reason});
    }

    // A broadcast service's events: "source_messages" (messages from its sources),
    // "dropped_messages" (lost by slow clients, drop-oldest), "slow_consumer_closes".
    void countBroadcast(const QString &service, const QString &event, quint64 count = 1);
    quint64 broadcastEvents(const QString &service, const QString &event) const
    {
        const QMutexLocker lock(&m_mutex);
        return m_broadcast.value({service, event});
    }

    // `services`: the configured services, shown even before their first session.
    QByteArray prometheus(const Sessions::SessionRegistry &sessions, const QStringList &services) const;

private:
    mutable QMutex m_mutex; // guards the two tables
    QHash<QPair<QString, QString>, quint64> m_refusals;
    QHash<QPair<QString, QString>, quint64> m_broadcast;
};

} // namespace Postern
