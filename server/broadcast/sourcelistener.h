#pragma once

// Where a broadcast's sources connect in (the property accept, tcp://address:port): every
// connection is a source, its bytes cut into messages by its own SourceFramer. There is no
// login on this port, so anyone who can reach it can publish: bind it to loopback or a
// private address. At most kMaximumSources connect at once; more are closed at once.

#include "broadcast/sourceframer.h"
#include "config/broadcastoptions.h"

#include <QHash>
#include <QObject>
#include <QTcpServer>

class QTcpSocket;

namespace Postern::Broadcast {

class SourceListener final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SourceListener)

public:
    static constexpr int kMaximumSources = 64;

    SourceListener(QString serviceName, const Config::BroadcastOptions &options, QObject *parent = nullptr);
    ~SourceListener() override;

    // Binds options.sourceAccept; false with `error` saying why.
    bool listen(QString *error);
    const QUrl &url() const { return m_options.sourceAccept; }
    int sourceCount() const { return int(m_sources.size()); }
    // The framing settings may change on a reload while the address stays.
    void setOptions(const Config::BroadcastOptions &options);

Q_SIGNALS:
    void message(Postern::WebSocket::Opcode opcode, const QByteArray &payload);
    void sourceCountChanged(int count);

private:
    void accept();
    void read(QTcpSocket *socket);
    void drop(QTcpSocket *socket, const QString &reason);

    QString m_serviceName;
    Config::BroadcastOptions m_options;
    QTcpServer m_server;
    QHash<QTcpSocket *, SourceFramer> m_sources;
};

} // namespace Postern::Broadcast
