#include "sessions/sessionregistry.h"

#include "sessions/websocketsession.h"

#include <QThread>

namespace Postern::Sessions {

namespace {

void addCounters(WebSocket::Endpoint::Counters &sum, const WebSocket::Endpoint::Counters &counters)
{
    sum.messagesIn += counters.messagesIn;
    sum.messagesOut += counters.messagesOut;
    sum.bytesIn += counters.bytesIn;
    sum.bytesOut += counters.bytesOut;
}

} // namespace

SessionRegistry::SessionRegistry(QObject *parent) : QObject(parent) {}

SessionRegistry::~SessionRegistry()
{
    // The sessions still here (children, destroyed after the tables they would update)
    // must not tell the registry they are going.
    const QMutexLocker lock(&m_mutex);
    for (WebSocketSession *session : std::as_const(m_sessions))
        session->setRegistry(nullptr);
}

QObject *SessionRegistry::ownerIn(QThread *thread) const
{
    if (thread == this->thread())
        return const_cast<SessionRegistry *>(this);
    const QMutexLocker lock(&m_mutex);
    return m_owners.value(thread);
}

void SessionRegistry::setThreadOwner(QThread *thread, QObject *owner)
{
    const QMutexLocker lock(&m_mutex);
    if (owner)
        m_owners.insert(thread, owner);
    else
        m_owners.remove(thread);
}

quint64 SessionRegistry::add(WebSocketSession *session)
{
    session->setParent(ownerIn(session->thread()));
    quint64 id = 0;
    {
        const QMutexLocker lock(&m_mutex);
        id = m_nextId++;
        session->setId(id);
        session->setRegistry(this);
        m_sessions.insert(id, session);
        ++m_ended[session->serviceName()].opened;
        ++m_open[session->serviceName()];
    }
    Q_EMIT sessionOpened(id);
    return id;
}

void SessionRegistry::remove(WebSocketSession *session)
{
    const quint64 id = session->id();
    bool nowEmpty = false;
    {
        const QMutexLocker lock(&m_mutex);
        if (m_sessions.value(id) != session)
            return;
        addCounters(m_ended[session->serviceName()].counters, session->counters());
        m_sessions.remove(id);
        if (auto open = m_open.find(session->serviceName()); open != m_open.end() && --*open <= 0)
            m_open.erase(open);
        nowEmpty = m_sessions.isEmpty();
    }
    Q_EMIT sessionClosed(id);
    if (nowEmpty)
        Q_EMIT empty();
}

void SessionRegistry::forEach(const std::function<void(const WebSocketSession &)> &visit) const
{
    const QMutexLocker lock(&m_mutex);
    for (const WebSocketSession *session : m_sessions)
        visit(*session);
}

bool SessionRegistry::withSession(quint64 id, const std::function<void(const WebSocketSession &)> &visit) const
{
    const QMutexLocker lock(&m_mutex);
    const WebSocketSession *session = m_sessions.value(id);
    if (!session)
        return false;
    visit(*session);
    return true;
}

WebSocketSession *SessionRegistry::find(quint64 id) const
{
    const QMutexLocker lock(&m_mutex);
    return m_sessions.value(id);
}

QList<WebSocketSession *> SessionRegistry::sessions() const
{
    const QMutexLocker lock(&m_mutex);
    return m_sessions.values();
}

qsizetype SessionRegistry::count() const
{
    const QMutexLocker lock(&m_mutex);
    return m_sessions.size();
}

qsizetype SessionRegistry::count(const QString &serviceName) const
{
    const QMutexLocker lock(&m_mutex);
    return m_open.value(serviceName);
}

quint64 SessionRegistry::totalOpened() const
{
    const QMutexLocker lock(&m_mutex);
    return m_nextId - 1;
}

QMap<QString, SessionRegistry::Totals> SessionRegistry::totals() const
{
    const QMutexLocker lock(&m_mutex);
    QMap<QString, Totals> totals = m_ended;
    for (const WebSocketSession *session : m_sessions) {
        Totals &service = totals[session->serviceName()];
        ++service.open;
        addCounters(service.counters, session->counters());
    }
    return totals;
}

void SessionRegistry::closeInItsThread(WebSocketSession *session, quint16 code, const QString &reason)
{
    if (session->thread() == QThread::currentThread())
        session->close(code, reason);
    else // dropped by Qt if the session is gone by then
        QMetaObject::invokeMethod(session, [session, code, reason] { session->close(code, reason); }, Qt::QueuedConnection);
}

bool SessionRegistry::close(quint64 id, quint16 code, const QString &reason)
{
    WebSocketSession *session = nullptr;
    {
        const QMutexLocker lock(&m_mutex);
        session = m_sessions.value(id);
        if (!session)
            return false;
        if (session->thread() != QThread::currentThread()) {
            closeInItsThread(session, code, reason); // posting under the lock: the session is alive
            return true;
        }
    }
    // In this thread the session cannot end between the lookup and here; closing may end it
    // (and call remove()), so the lock is not held.
    session->close(code, reason);
    return true;
}

void SessionRegistry::closeAll(quint16 code, const QString &reason)
{
    QList<WebSocketSession *> local;
    {
        const QMutexLocker lock(&m_mutex);
        for (WebSocketSession *session : std::as_const(m_sessions)) {
            if (session->thread() == QThread::currentThread())
                local.append(session);
            else
                closeInItsThread(session, code, reason);
        }
    }
    for (WebSocketSession *session : std::as_const(local))
        session->close(code, reason);
}

} // namespace Postern::Sessions
