#include "metrics.h"

#include "sessions/sessionregistry.h"

#include <QStringList>

#include <algorithm>

namespace Postern {

namespace {

// A label value: backslash, double quote and line feed escaped.
QByteArray label(const QString &value)
{
    QString escaped = value;
    escaped.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\"")).replace(u'\n', QStringLiteral("\\n"));
    return escaped.toUtf8();
}

} // namespace

void Metrics::countRefusal(const QString &service, const QString &reason)
{
    const QMutexLocker lock(&m_mutex);
    ++m_refusals[{service, reason}];
}

void Metrics::countBroadcast(const QString &service, const QString &event, quint64 count)
{
    const QMutexLocker lock(&m_mutex);
    m_broadcast[{service, event}] += count;
}

QByteArray Metrics::prometheus(const Sessions::SessionRegistry &sessions, const QStringList &services) const
{
    QByteArray out;
    auto totals = sessions.totals();
    for (const QString &service : services)
        if (!totals.contains(service))
            totals.insert(service, {});
    const auto family = [&](const char *name, const char *type, const char *help, auto value) {
        out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
        for (auto it = totals.cbegin(); it != totals.cend(); ++it)
            out += QByteArray(name) + "{service=\"" + label(it.key()) + "\"} " + QByteArray::number(value(it.value())) + '\n';
    };
    using Totals = Sessions::SessionRegistry::Totals;
    family("postern_sessions", "gauge", "WebSocket sessions open now.", [](const Totals &t) { return t.open; });
    family("postern_sessions_opened_total", "counter", "WebSocket handshakes completed (sessions opened).",
           [](const Totals &t) { return t.opened; });
    family("postern_messages_received_total", "counter", "Messages received from clients.",
           [](const Totals &t) { return t.counters.messagesIn; });
    family("postern_messages_sent_total", "counter", "Messages sent to clients.",
           [](const Totals &t) { return t.counters.messagesOut; });
    family("postern_bytes_received_total", "counter", "Payload bytes received from clients.",
           [](const Totals &t) { return t.counters.bytesIn; });
    family("postern_bytes_sent_total", "counter", "Payload bytes sent to clients.",
           [](const Totals &t) { return t.counters.bytesOut; });
    const QMutexLocker lock(&m_mutex);
    out += "# HELP postern_refusals_total Requests and handshakes refused, by service and reason.\n"
           "# TYPE postern_refusals_total counter\n";
    QList<QPair<QString, QString>> keys = m_refusals.keys();
    std::sort(keys.begin(), keys.end());
    for (const auto &key : std::as_const(keys))
        out += "postern_refusals_total{service=\"" + label(key.first) + "\",reason=\"" + label(key.second) + "\"} "
            + QByteArray::number(m_refusals.value(key)) + '\n';
    if (!m_broadcast.isEmpty()) {
        out += "# HELP postern_broadcast_events_total Broadcast services: messages from sources, messages dropped for "
               "slow clients, slow clients closed.\n"
               "# TYPE postern_broadcast_events_total counter\n";
        keys = m_broadcast.keys();
        std::sort(keys.begin(), keys.end());
        for (const auto &key : std::as_const(keys))
            out += "postern_broadcast_events_total{service=\"" + label(key.first) + "\",event=\"" + label(key.second) + "\"} "
                + QByteArray::number(m_broadcast.value(key)) + '\n';
    }
    return out;
}

} // namespace Postern
