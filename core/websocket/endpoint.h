#pragma once

// One end of a WebSocket connection that Postern speaks itself (RFC 6455), over a socket
// whose opening handshake is done: a client session the front door upgraded (server role),
// or a connection the proxy made to a ws:// or wss:// back-end (client role). It reads
// frames with FrameParser, answers pings, runs the closing handshake and the inactivity
// check, and gives its owner what QWebSocket does not:
// - reading that stops and starts again (back-pressure: the kernel's window then slows the
//   peer), optionally within a byte budget the owner computes;
// - frames as they arrive, in pieces for large ones, so a relay never holds a whole message
//   and carries fragmentation across as it came;
// - a bound on what may wait unsent for a peer that does not read.
// The endpoint owns the socket. It emits disconnected() once, after which it is inert; the
// owner deletes it (deleteLater: signals are emitted from inside its read loop). When the
// peer's connection ends while frames it sent are still unread (reading was paused), they are
// handed out first, and disconnected() follows.

#include "net/transport.h"
#include "util/destructionwatch.h"
#include "websocket/frame.h"
#include "websocket/frameparser.h"

#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>

namespace Postern::WebSocket {

class Endpoint final : public QObject, private Net::Transport::Listener
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Endpoint)

public:
    using Role = FrameParser::Role;

    enum class Delivery {
        Messages, // whole messages (fragments joined): messageReceived()
        Frames,   // data frames in pieces as they arrive: frameReceived()
    };

    struct Options
    {
        Delivery delivery = Delivery::Messages;
        // An incoming message larger than this fails the connection with 1009; 0: no limit.
        qint64 maximumMessageSize = 0;
        // 0: off. Otherwise a peer silent for half of it is pinged, and one silent for all
        // of it (its ping unanswered) is closed with 1001.
        std::chrono::milliseconds inactivityTimeout{0};
        // sendMessage() to a peer with more than this unsent closes the connection with 1008;
        // 0: no limit (the owner applies back-pressure instead).
        qint64 maximumPendingOutput = 0;
        // How much the socket may read ahead of what the endpoint has taken; also the largest
        // read. What the endpoint has not taken is held in the kernel, which slows the peer.
        qint64 readBufferSize = 64 * 1024;
        // Whether a close frame from the peer is answered at once (the peer's code echoed). A
        // relay turns this off and answers with close() when the other side has closed.
        bool answerCloseAtOnce = true;
        // How long a peer has to answer our close frame (and, for a client, to then end the
        // TCP connection) before the connection is cut.
        std::chrono::milliseconds closeTimeout{5000};
        // Whether data the peer sends after our close is still handed out (a relay: the peer
        // may finish a message before it answers), within the read budget.
        bool deliverDataAfterClose = false;
    };

    struct Counters
    {
        quint64 messagesIn = 0;
        quint64 messagesOut = 0;
        quint64 bytesIn = 0;  // payload bytes
        quint64 bytesOut = 0;
    };

    // Takes `transport` (it becomes a child of the endpoint).
    Endpoint(Net::Transport *transport, Role role, const Options &options, QObject *parent = nullptr);
    ~Endpoint() override;

    // Starts reading, including anything the socket already holds. Connect first.
    void start();

    // A whole Text or Binary message as one frame. False (and nothing sent) once a close has
    // been sent, or when the pending-output limit is passed (the connection is then closed).
    bool sendMessage(Opcode opcode, QByteArrayView payload);
    // A piece of a data frame, as frameReceived() gives them: the header goes out with the
    // first piece, and control frames wait until the frame is complete.
    void sendPiece(const Frame &piece);
    void ping(QByteArrayView payload = {});
    // Starts (or, after the peer's close, completes) the closing handshake with `code` (valid
    // on the wire, or 1005 for a close frame without a code) and `reason` (cut to fit). Does
    // nothing once a close has been sent.
    void close(quint16 code, const QString &reason);
    // Closes the TCP connection now, without a close frame.
    void abort();

    // Stops taking bytes from the socket; resumeReading() takes them again.
    void pauseReading();
    void resumeReading();
    bool isReadingPaused() const { return m_paused; }
    // Before each read the endpoint asks how many bytes it may take; at zero or less it pauses
    // (and the owner resumes it). Without one it reads whatever has arrived.
    void setReadBudget(std::function<qint64()> budget) { m_budget = std::move(budget); }

    Role role() const { return m_parser.role(); }
    Net::Transport *transport() const { return m_transport; }
    qint64 bytesToWrite() const;
    // Bytes received and not yet handed out: the socket's read buffer and the parser's.
    qint64 bufferedIncoming() const;
    // Of those, what the endpoint itself holds (taken from the socket, not handed out).
    qint64 heldIncoming() const { return m_parser.bufferedBytes() + m_message.size(); }
    // A frame is going out in pieces and its rest has not been given yet.
    bool isSendingFrame() const { return m_outRemaining > 0; }
    bool isFinished() const { return m_finished; }
    bool isCloseSent() const { return m_closeSent; }
    bool isCloseReceived() const { return m_closeReceived; }
    // The code and reason of the peer's close frame; 1005 for a close without a code, 1006
    // when the connection ended without one.
    quint16 peerCloseCode() const { return m_peerCloseCode; }
    const QString &peerCloseReason() const { return m_peerCloseReason; }
    // The code and reason of the close frame we sent, when we sent one.
    quint16 localCloseCode() const { return m_localCloseCode; }
    const QString &localCloseReason() const { return m_localCloseReason; }
    // A copy, safe to take from any thread: the counters are written by the endpoint's thread
    // only, one relaxed atomic store each, and read here with relaxed atomic loads.
    Counters counters() const;

Q_SIGNALS:
    void messageReceived(Postern::WebSocket::Opcode opcode, const QByteArray &payload);
    void frameReceived(const Postern::WebSocket::Frame &piece);
    void pongReceived(const QByteArray &payload);
    // The peer's close frame (code 1005 when it carried none).
    void closeReceived(quint16 code, const QString &reason);
    // The peer broke the protocol; a close with `code` has been sent and the connection ends.
    void protocolError(quint16 code, const QString &reason);
    // The peer did not read: a close with 1008 was sent and the connection cut.
    void outputOverflow(qint64 unsent);
    void bytesWritten(qint64 bytes);
    void disconnected();

private:
    // Net::Transport::Listener: its input and its sent bytes, told directly.
    void transportReadyRead() override { readSome(); }
    void transportSent(qint64 bytes) override { Q_EMIT bytesWritten(bytes); }

    void readSome();
    void setPaused(bool paused);
    // Hands out what the parser holds; true when it needs more bytes, false when reading
    // must stop (paused, closed, failed).
    bool deliverParsed();
    void answerPing(QByteArrayView payload);
    // The peer does not read: close with 1008 and cut the connection.
    void overflow();
    void handleControl(const Frame &frame);
    void handleData(Frame &&frame);
    void writeControl(Opcode opcode, QByteArrayView payload);
    void writeRaw(QByteArrayView bytes);
    // Both close frames have crossed: the server ends the TCP connection, a client waits
    // for the server to (within closeTimeout).
    void closingHandshakeDone();
    void noteActivity();
    std::chrono::milliseconds inactivityHalfPeriod() const;
    void startInactivityPeriod();
    void onInactivityTick();
    // The socket is closed: what it holds may still have to be handed out.
    void onSocketDisconnected();
    void finish();
    bool readsPastBudget() const;
    bool hasUnreadInput() const;

    Net::Transport *m_transport;
    FrameParser m_parser;
    Options m_options;
    std::function<qint64()> m_budget;
    bool m_paused = true; // until start()
    bool m_reading = false; // inside readSome(): no re-entry
    bool m_finished = false;
    bool m_peerEnded = false; // the TCP connection is gone; its last bytes may still be unread

    // Messages delivery: the message being joined from fragments.
    QByteArray m_message;
    Opcode m_messageOpcode = Opcode::Binary;

    // The frame going out in pieces (sendPiece), and control frames waiting for its end.
    qint64 m_outRemaining = 0;
    qint64 m_outOffset = 0;
    quint32 m_outMaskKey = 0;
    QList<QByteArray> m_heldControl;

    bool m_closeSent = false;
    bool m_closeReceived = false;
    quint16 m_peerCloseCode = CloseCode::Abnormal;
    QString m_peerCloseReason;
    quint16 m_localCloseCode = 0;
    QString m_localCloseReason;

    QTimer m_inactivity; // single-shot, for the half period since m_lastActivity
    std::chrono::milliseconds m_lastActivity{0}; // on the coarse monotonic clock
    bool m_pingOutstanding = false;
    QTimer m_closeTimer;
    QTimer m_drainTimer;
    Counters m_counters;
    Util::DestructionWatch m_destruction; // for the checks after a signal
};

} // namespace Postern::WebSocket
