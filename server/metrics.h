#pragma once

// What GET /metrics reports (Prometheus text format 0.0.4): the refusals the front door and
// the services gave, by service and reason, with the session registry's counts per service
// (sessions now and in all, messages and bytes each way, handshakes).

#include <QHash>
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
        return m_refusals.value({service, reason});
    }

    // `services`: the configured services, shown even before their first session.
    QByteArray prometheus(const Sessions::SessionRegistry &sessions, const QStringList &services) const;

private:
    QHash<QPair<QString, QString>, quint64> m_refusals;
};

} // namespace Postern
