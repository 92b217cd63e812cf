#pragma once

// Relays one client WebSocket session to its own back-end connection, both ways.
//
// - tcp/ssl back-ends: the payload of each client data frame is written to the back-end as
//   it arrives; what the back-end sends goes to the client as binary messages, one per read,
//   at most readBufferSize() bytes each.
// - ws/wss back-ends: frames are carried across as they came, in pieces as they arrive: text
//   stays text, binary stays binary, fragments stay fragments; close codes and reasons are
//   passed on, and each side's closing handshake completes when the other side has answered.
//   Pings are answered on each leg; they are not carried across.
//
// Back-pressure: the bytes the gateway holds for a direction (the reading socket's buffer,
// the parser, and the queue toward the writing side) never exceed maximum.pending.bytes.
// When a direction's budget is used up, the gateway stops reading from its source (the
// kernel's window then slows the sender down) and reads again once the queue is below half.
//
// The relay belongs to the session and keeps it open (hold/release) until the back-end
// connection is closed too, so every session ends with one log line that tells both sides.

#include "proxy/backendconnector.h"
#include "proxy/backendtarget.h"
#include "websocket/endpoint.h"

#include <QObject>
#include <QPointer>

class QTcpSocket;

namespace Postern::Net { class Transport; }

namespace Postern::Sessions { class WebSocketSession; }

namespace Postern::Proxy {

class ProxyRelay final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProxyRelay)

public:
    ProxyRelay(Sessions::WebSocketSession *session, BackendTargetPtr target, qint64 maximumPendingBytes);
    ~ProxyRelay() override;

    // The client endpoint's options for a relay: `base` (the service's accept options) made
    // to deliver frames, apply back-pressure instead of an output limit, and (for ws
    // back-ends) let the back-end answer the client's close.
    static WebSocket::Endpoint::Options clientOptions(WebSocket::Endpoint::Options base, const BackendTarget &target,
                                                      qint64 maximumPendingBytes);
    // How much each socket of a relay reads ahead: a quarter of the budget, 1 KiB to 64 KiB.
    static qint64 readBufferSize(qint64 maximumPendingBytes);

    // Relays to `backend`, connected (and for ws/wss upgraded); the relay takes it.
    void attach(QTcpSocket *backend);
    // connect.strategy deferred: connects when the client's first message arrives, offering
    // the back-end no sub-protocol (the client's 101 has none).
    void connectOnFirstMessage(const BackendConnector::ClientRequest &request);

    // What the gateway holds for this session right now, both directions together.
    qint64 bufferedBytes() const;

private:
    void onClientPiece(const WebSocket::Frame &piece);
    void onClientClose(quint16 code, const QString &reason);
    void onClientGone();
    void onBackendClose(quint16 code, const QString &reason);
    void onBackendGone();
    void pumpTcpBackend();
    void abortBackendLater();
    void resumeClientIfDrained();
    void resumeBackendIfDrained();
    void startDeferredConnect();
    void backendFailed(const QString &reason);
    void closeClient(quint16 code, const QString &reason);
    qint64 queuedTowardBackend() const;
    // What encrypting the queue toward a TLS peer may add to it.
    qint64 tlsReserve(bool encrypted) const;
    void finishBackend();
    // Whether the tcp/ssl back-end reset the connection rather than ending it.
    bool backendWasReset() const;
    void closeBackendDescriptor();

    Sessions::WebSocketSession *m_session;
    WebSocket::Endpoint *m_client;
    BackendTargetPtr m_target;
    qint64 m_limit;
    qint64 m_readBuffer;

    WebSocket::Endpoint *m_backendWs = nullptr; // ws/wss
    Net::Transport *m_backendTcp = nullptr;     // tcp/ssl
    bool m_tcpPaused = false;
    QString m_tcpError;       // why a tcp/ssl back-end connection failed, if it did
    // Qt reports a reset like an orderly end (its socket engine reads ECONNRESET as end of
    // stream), so the relay keeps a duplicate of a tcp/ssl back-end's descriptor and asks the
    // kernel, once Qt has let go, how the connection ended (Linux TCP_INFO).
    int m_backendDescriptor = -1;
    bool m_backendClosedCleanly = false;

    // Deferred: the connection being made, and the client's pieces waiting for it.
    QPointer<BackendConnector> m_connector;
    BackendConnector::ClientRequest m_request;
    bool m_deferred = false;
    QList<WebSocket::Frame> m_waiting;
    qint64 m_waitingBytes = 0;

    std::optional<std::pair<quint16, QString>> m_pendingClose; // the client's, while the connection is made
    bool m_holding = false;    // the session is held open for the back-end
    bool m_clientGone = false;
};

} // namespace Postern::Proxy
