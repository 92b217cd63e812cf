#pragma once

// A WebSocket opening handshake that the front door has checked (route, origin, login,
// RFC 6455 §4.2.1) and handed to its service, which answers it: accept() writes 101
// Switching Protocols and gives the socket to a new WebSocket::Endpoint; refuse() answers
// with an HTTP error and closes. A service may take its time (a proxy reaches its back-end
// first); a client that leaves meanwhile makes abandoned() fire. The object deletes itself
// once answered or abandoned.

#include "frontdoor/connectioninfo.h"
#include "frontdoor/httprequesthead.h"
#include "websocket/endpoint.h"

#include <QObject>
#include <QTimer>

class QTcpSocket;

namespace Postern::Net { class Transport; }

namespace Postern::Frontdoor {

class PendingUpgrade final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PendingUpgrade)

public:
    using Header = QPair<QByteArray, QByteArray>;

    // `socket` has the request head consumed; `responseHeaders` go on whatever the answer is
    // (a single sign-on cookie).
    PendingUpgrade(QTcpSocket *socket, HttpRequestHead request, ConnectionInfo connection,
                   QList<Header> responseHeaders, QObject *parent = nullptr);
    ~PendingUpgrade() override;

    const HttpRequestHead &request() const { return m_request; }
    const ConnectionInfo &connection() const { return m_connection; }
    // The Sec-WebSocket-Protocol values the client offered, in its order of preference.
    QList<QByteArray> offeredProtocols() const;

    // Completes the handshake (with `protocol`, which must be one offered, when not empty)
    // and returns the endpoint that now owns the socket; the caller owns the endpoint. Null
    // when the client has left after all.
    WebSocket::Endpoint *accept(const QByteArray &protocol, const WebSocket::Endpoint::Options &options);
    // Answers with `status` and a short plain-text `detail`, then closes.
    void refuse(int status, const QString &detail);
    bool isAnswered() const { return m_answered; }
    // Keeps `owner` (the service) alive until the upgrade is answered or abandoned, though a
    // reload replaces it meanwhile.
    void keepAlive(std::shared_ptr<const void> owner) { m_owner = std::move(owner); }

Q_SIGNALS:
    // The client left before an answer.
    void abandoned();

private:
    static Net::Transport *transportFor(QTcpSocket *socket);

    QTcpSocket *m_socket;
    HttpRequestHead m_request;
    ConnectionInfo m_connection;
    QList<Header> m_responseHeaders;
    bool m_answered = false;
    QTimer m_closeTimer;
    std::shared_ptr<const void> m_owner;
};

} // namespace Postern::Frontdoor
