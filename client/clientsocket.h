#pragma once

// A WebSocket client for Postern services (ws:// and wss://), with the gateway's logins built
// in: when the opening handshake is answered with 401, the challenge goes to the challenge
// handler, and the handshake is tried again with its answer, within a number of attempts.
// Single sign-on cookies set by the gateway are kept in a SessionCookieJar and sent to the
// other services of the realm. The outcome says exactly how it ended: connected, refused
// (with status and the gateway's reason), the handler gave up, TLS failure (with the
// certificate), unreachable. Its own RFC 6455 endpoint (core/websocket) speaks the protocol;
// only Qt Core and Network are needed.
//
//     auto socket = new Postern::Client::ClientSocket(this);
//     Postern::Client::ConnectOptions options;
//     options.challengeHandler = std::make_shared<Postern::Client::BasicChallengeHandler>(askUser);
//     connect(socket, &ClientSocket::connected, ...);
//     connect(socket, &ClientSocket::connectFailed, ...);
//     socket->open(QUrl("wss://gateway.example.com:9000/secure-echo"), options);

#include "connectoptions.h"
#include "connectoutcome.h"
#include "websocket/clienthandshake.h"

#include <QHostAddress>
#include <QObject>
#include <QSslCipher>
#include <QTimer>
#include <QUrl>

#include <optional>

class QTcpSocket;

namespace Postern::WebSocket { class Endpoint; }

namespace Postern::Client {

class ClientSocket final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientSocket)

public:
    enum class State {
        Unconnected,
        Connecting,     // TCP, TLS, or the handshake
        Authenticating, // waiting for the challenge handler
        Open,
        Closing,
    };

    explicit ClientSocket(QObject *parent = nullptr);
    ~ClientSocket() override;

    // Starts connecting; connected() or connectFailed() follows (never from inside open()).
    // Ends whatever connection this socket had.
    void open(const QUrl &url, const ConnectOptions &options = ConnectOptions());

    State state() const { return m_state; }
    bool isOpen() const { return m_state == State::Open; }
    const QUrl &url() const { return m_url; }
    // How the last open() ended (kind Connected while it is open).
    const ConnectOutcome &outcome() const { return m_outcome; }
    // The sub-protocol the server chose; empty when none.
    const QByteArray &protocol() const { return m_protocol; }
    // For wss://: the server's certificate chain and the cipher, once open.
    const QList<QSslCertificate> &peerCertificateChain() const { return m_peerChain; }
    const QSslCipher &sessionCipher() const { return m_cipher; }

    // False when not open (or closing), or when the message could not be queued.
    bool sendTextMessage(const QString &message);
    bool sendBinaryMessage(const QByteArray &message);
    void ping(const QByteArray &payload = {});
    // The closing handshake when open; otherwise gives up connecting (outcome Aborted).
    void close(quint16 code = 1000, const QString &reason = {});
    // Ends the connection at once, without a close frame.
    void abort();
    qint64 bytesToWrite() const;

    // After disconnected(): the server's close code and reason (1006 when there was no close
    // frame), or ours when the server never answered our close.
    quint16 closeCode() const { return m_closeCode; }
    const QString &closeReason() const { return m_closeReason; }

Q_SIGNALS:
    void connected();
    void connectFailed(const Postern::Client::ConnectOutcome &outcome);
    // The gateway asked for credentials and the challenge handler is being asked.
    void challenged(const Postern::Client::Challenge &challenge);
    void textMessageReceived(const QString &message);
    void binaryMessageReceived(const QByteArray &message);
    void pongReceived(const QByteArray &payload);
    // The open connection ended (closeCode() and closeReason() say how).
    void disconnected();

private:
    void startAttempt();
    void onTransportReady();
    void onSslErrors(const QList<QSslError> &errors);
    void onReadyRead();
    void onTransportLost();
    void onTimeout();
    // A complete non-101 answer (head and as much body as was sent).
    void onRefusal(const WebSocket::HandshakeResponse &response, const QByteArray &body);
    void onChallenge(const WebSocket::HandshakeResponse &response, const QString &detail);
    void onUpgraded(const WebSocket::HandshakeResponse &response);
    void onEndpointGone();
    // Ends the attempt with `outcome` (announced from the event loop).
    void fail(ConnectOutcome outcome);
    void dropTransport();
    QString target() const;

    State m_state = State::Unconnected;
    QUrl m_url;
    ConnectOptions m_options;
    quint64 m_generation = 0; // of open(): late answers of a handler to an older one are ignored
    QTcpSocket *m_socket = nullptr;
    WebSocket::Endpoint *m_endpoint = nullptr;
    WebSocket::ClientHandshake m_handshake;
    std::optional<WebSocket::HandshakeResponse> m_refusal; // waiting for its body
    ChallengeResponse m_answer; // for the next attempt; wiped once written
    int m_answers = 0;          // answers tried in this open()
    std::optional<Challenge> m_challenge;
    QTimer m_timer;
    QList<QSslError> m_tlsErrors;
    QList<QSslCertificate> m_peerChain;
    QSslCipher m_cipher;
    QString m_tlsProblem;
    QHostAddress m_peerAddress; // of the attempt's connection: loopback or not
    ConnectOutcome m_outcome;
    QByteArray m_protocol;
    quint16 m_closeCode = 1006;
    QString m_closeReason;
};

} // namespace Postern::Client
