#pragma once

// Makes one connection to a proxy's back-end, in two steps: the transport (TCP, and for
// ssl:// and wss:// TLS verified against the truststore with the back-end's host name and
// SNI), then for ws:// and wss:// the WebSocket opening handshake, which carries the
// client's sub-protocol offer and address (Forwarded, X-Forwarded-For). Each step must end
// within connect.timeout. The two steps are separate so that a pool can prepare transports
// ahead of clients and upgrade one when a client arrives. Failures say what went wrong in
// words an administrator can act on, and which HTTP status the client should get.

#include "proxy/backendtarget.h"
#include "websocket/clienthandshake.h"

#include <QHostAddress>
#include <QObject>
#include <QTimer>

class QSslError;
class QTcpSocket;

namespace Postern::Proxy {

class BackendConnector final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BackendConnector)

public:
    // What the back-end's WebSocket handshake carries of the client.
    struct ClientRequest
    {
        QList<QByteArray> protocols; // Sec-WebSocket-Protocol offer, in the client's order
        QHostAddress address;        // for Forwarded / X-Forwarded-For
        bool secure = false;         // the client came over TLS (Forwarded proto=https)
    };

    BackendConnector(BackendTargetPtr target, QObject *parent = nullptr);
    ~BackendConnector() override;

    const BackendTarget &target() const { return *m_target; }

    // Step one; transportReady() or failed() follows.
    void connectTransport();
    // Step two for ws/wss, after transportReady(); upgraded() or failed() follows.
    void upgrade(const ClientRequest &request);
    bool isTransportReady() const { return m_state == State::TransportReady; }

    // The connected socket (upgraded for ws/wss; frames may already wait in it), now the
    // caller's. The connector is spent.
    QTcpSocket *takeSocket();
    // The back-end's address as connected: "10.0.0.5:5432".
    QString peer() const;

Q_SIGNALS:
    void transportReady();
    // The back-end accepted the handshake, choosing `protocol` (empty: none).
    void upgraded(const QByteArray &protocol);
    // `status`: 502 (refused, unreachable, TLS or handshake failure) or 504 (timed out).
    void failed(int status, const QString &reason);
    // A ready transport that waited (in a pool) was closed by the back-end.
    void lost();

private:
    enum class State { Idle, Connecting, TransportReady, Upgrading, Done, Failed };

    void onConnected();
    void onSslErrors(const QList<QSslError> &errors);
    void onError();
    void onReadyRead();
    void onTimeout();
    void fail(int status, const QString &reason);

    BackendTargetPtr m_target;
    QTcpSocket *m_socket = nullptr;
    State m_state = State::Idle;
    QTimer m_timer;
    WebSocket::ClientHandshake m_handshake; // what was sent, to check the answer against
    QString m_tlsProblem;             // why the back-end's certificate was refused
};

} // namespace Postern::Proxy
