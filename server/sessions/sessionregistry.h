#pragma once

// Every live WebSocket session of the gateway, by id. Sessions remove themselves when
// they end; the registry closes them all when the gateway drains.

#include "websocket/endpoint.h"

#include <QHash>
#include <QMap>
#include <QObject>

namespace Postern::Sessions {

class WebSocketSession;

class SessionRegistry final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionRegistry)

public:
    explicit SessionRegistry(QObject *parent = nullptr);

    // Takes ownership of the session and gives it an id.
    quint64 add(WebSocketSession *session);
    WebSocketSession *find(quint64 id) const { return m_sessions.value(id); }
    QList<WebSocketSession *> sessions() const { return m_sessions.values(); }
    qsizetype count() const { return m_sessions.size(); }
    // Sessions of one service open now.
    qsizetype count(const QString &serviceName) const { return m_open.value(serviceName); }
    quint64 totalOpened() const { return m_nextId - 1; }

    // Per service: sessions open now and opened in all, and the counters of all of them
    // (ended and open). Services with no session ever are absent.
    struct Totals
    {
        quint64 open = 0;
        quint64 opened = 0;
        WebSocket::Endpoint::Counters counters;
    };
    QMap<QString, Totals> totals() const;

    bool close(quint64 id, quint16 code, const QString &reason);
    void closeAll(quint16 code, const QString &reason);

Q_SIGNALS:
    void sessionOpened(quint64 id);
    void sessionClosed(quint64 id);
    void empty();

private:
    QHash<quint64, WebSocketSession *> m_sessions;
    QHash<QString, qsizetype> m_open; // per service, only those with sessions open
    QMap<QString, Totals> m_ended; // counters of the sessions that have ended, and opened counts
    quint64 m_nextId = 1;
};

} // namespace Postern::Sessions
