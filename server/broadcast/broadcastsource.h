#pragma once

// The connection a broadcast service makes to its source (<connect>: tcp://, ssl://, ws://,
// wss://, verified against the truststore like a proxy's back-end), kept up for as long as
// the service runs: a failed or lost connection is tried again after reconnect.delay,
// doubled after each failure up to reconnect.maximum.delay. What the source sends comes out
// as messages: a ws:// source's messages as they came, a tcp:// source's bytes cut by its
// SourceFramer. Nothing is ever sent to the source.

#include "broadcast/sourceframer.h"
#include "config/broadcastoptions.h"
#include "proxy/backendtarget.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>

class QTcpSocket;

namespace Postern::Proxy { class BackendConnector; }
namespace Postern::WebSocket { class Endpoint; }

namespace Postern::Broadcast {

class BroadcastSource final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BroadcastSource)

public:
    BroadcastSource(QString serviceName, Proxy::BackendTargetPtr target, const Config::BroadcastOptions &options,
                    QObject *parent = nullptr);
    ~BroadcastSource() override;

    // Connects now (and again whenever the connection is lost).
    void start();
    bool isConnected() const { return m_connected; }
    const QString &url() const { return m_target->url; }
    // The wait before the next attempt, after the failures so far.
    std::chrono::milliseconds nextDelay() const { return m_delay; }

Q_SIGNALS:
    void message(Postern::WebSocket::Opcode opcode, const QByteArray &payload);
    void connected();
    // The source went away or could not be reached; another attempt is scheduled.
    void lost(const QString &reason);

private:
    void connectNow();
    void attachStream(QTcpSocket *socket);
    void attachWebSocket(QTcpSocket *socket);
    void readStream();
    void onConnected(const QString &peer);
    void fail(const QString &reason);

    QString m_serviceName;
    Proxy::BackendTargetPtr m_target;
    Config::BroadcastOptions m_options;
    QPointer<Proxy::BackendConnector> m_connector;
    QTcpSocket *m_stream = nullptr;              // tcp:// and ssl://
    WebSocket::Endpoint *m_endpoint = nullptr;   // ws:// and wss://
    SourceFramer m_framer;
    QTimer m_retry;
    std::chrono::milliseconds m_delay;
    bool m_connected = false;
    bool m_failing = false; // the last attempt failed: log the next failure only at debug level
};

} // namespace Postern::Broadcast
