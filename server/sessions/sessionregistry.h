#pragma once

// Every live WebSocket session of the gateway, by id. Sessions remove themselves when
// they end; the registry closes them all when the gateway drains.
// Thread-safe: sessions live in the worker thread that accepted them, and add and remove
// themselves there; the management service reads the registry from the main thread.
// sessionOpened(), sessionClosed() and empty() are emitted in the session's thread, so they
// reach receivers in other threads as queued calls. A session of another thread is read only
// under the registry's lock (forEach(), withSession()), through its thread-safe accessors.

#include "websocket/endpoint.h"

#include <QHash>
#include <QMap>
#include <QMutex>
#include <QObject>

#include <functional>

class QThread;

namespace Postern::Sessions {

class WebSocketSession;

class SessionRegistry final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionRegistry)

public:
    explicit SessionRegistry(QObject *parent = nullptr);
    ~SessionRegistry() override;

    // Takes ownership of the session and gives it an id. A session of another thread is
    // parented to that thread's owner (setThreadOwner()), which dies with the thread.
    quint64 add(WebSocketSession *session);
    // What owns the sessions (and the endpoints of refused ones) of `thread`: the registry
    // for its own thread, otherwise the object registered for it; null when none is.
    QObject *ownerIn(QThread *thread) const;
    void setThreadOwner(QThread *thread, QObject *owner);

    // Calls `visit` for each session (in id order) with the lock held: the sessions stay
    // alive meanwhile. `visit` must not call back into the registry.
    void forEach(const std::function<void(const WebSocketSession &)> &visit) const;
    // Calls `visit` with the session `id` under the lock; false when there is none.
    bool withSession(quint64 id, const std::function<void(const WebSocketSession &)> &visit) const;

    // For a caller in the sessions' own thread (tests, single-threaded gateways).
    WebSocketSession *find(quint64 id) const;
    QList<WebSocketSession *> sessions() const;

    qsizetype count() const;
    // Sessions of one service open now.
    qsizetype count(const QString &serviceName) const;
    quint64 totalOpened() const;

    // Per service: sessions open now and opened in all, and the counters of all of them
    // (ended and open). Services with no session ever are absent.
    struct Totals
    {
        quint64 open = 0;
        quint64 opened = 0;
        WebSocket::Endpoint::Counters counters;
    };
    QMap<QString, Totals> totals() const;

    // Closes the session in its own thread (at once when that is the caller's, else queued).
    bool close(quint64 id, quint16 code, const QString &reason);
    void closeAll(quint16 code, const QString &reason);

    // Called by a session that has ended (or is destroyed before it could), in its thread.
    void remove(WebSocketSession *session);

Q_SIGNALS:
    void sessionOpened(quint64 id);
    void sessionClosed(quint64 id);
    void empty();

private:
    static void closeInItsThread(WebSocketSession *session, quint16 code, const QString &reason);

    mutable QMutex m_mutex; // guards everything below
    QMap<quint64, WebSocketSession *> m_sessions;
    QHash<QString, qsizetype> m_open; // per service, only those with sessions open
    QMap<QString, Totals> m_ended; // counters of the sessions that have ended, and opened counts
    QHash<QThread *, QObject *> m_owners;
    quint64 m_nextId = 1;
};

} // namespace Postern::Sessions
