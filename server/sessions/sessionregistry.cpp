#include "sessions/sessionregistry.h"

#include "sessions/websocketsession.h"

namespace Postern::Sessions {

SessionRegistry::SessionRegistry(QObject *parent) : QObject(parent) {}

quint64 SessionRegistry::add(WebSocketSession *session)
{
    const quint64 id = m_nextId++;
    session->setId(id);
    session->setParent(this);
    m_sessions.insert(id, session);
    ++m_ended[session->serviceName()].opened;
    ++m_open[session->serviceName()];
    connect(session, &WebSocketSession::finished, this, [this, id, session] {
        WebSocket::Endpoint::Counters &ended = m_ended[session->serviceName()].counters;
        const WebSocket::Endpoint::Counters &counters = session->counters();
        ended.messagesIn += counters.messagesIn;
        ended.messagesOut += counters.messagesOut;
        ended.bytesIn += counters.bytesIn;
        ended.bytesOut += counters.bytesOut;
        m_sessions.remove(id);
        if (auto open = m_open.find(session->serviceName()); open != m_open.end() && --*open <= 0)
            m_open.erase(open);
        Q_EMIT sessionClosed(id);
        if (m_sessions.isEmpty())
            Q_EMIT empty();
    });
    Q_EMIT sessionOpened(id);
    return id;
}

QMap<QString, SessionRegistry::Totals> SessionRegistry::totals() const
{
    QMap<QString, Totals> totals = m_ended;
    for (const WebSocketSession *session : m_sessions) {
        Totals &service = totals[session->serviceName()];
        ++service.open;
        const WebSocket::Endpoint::Counters &counters = session->counters();
        service.counters.messagesIn += counters.messagesIn;
        service.counters.messagesOut += counters.messagesOut;
        service.counters.bytesIn += counters.bytesIn;
        service.counters.bytesOut += counters.bytesOut;
    }
    return totals;
}

bool SessionRegistry::close(quint64 id, quint16 code, const QString &reason)
{
    WebSocketSession *session = m_sessions.value(id);
    if (!session)
        return false;
    session->close(code, reason);
    return true;
}

void SessionRegistry::closeAll(quint16 code, const QString &reason)
{
    const auto all = m_sessions.values();
    for (WebSocketSession *session : all)
        session->close(code, reason);
}

} // namespace Postern::Sessions
