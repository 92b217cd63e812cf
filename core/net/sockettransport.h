#pragma once

// A Transport over a Qt socket, plain or TLS, which it owns. For a QSslSocket the unsent
// bytes and sent() count the encrypted bytes (util/socketoutput.h).

#include "net/transport.h"

class QTcpSocket;

namespace Postern::Net {

class SocketTransport final : public Transport
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SocketTransport)

public:
    explicit SocketTransport(QTcpSocket *socket, QObject *parent = nullptr);
    ~SocketTransport() override;

    QTcpSocket *socket() const { return m_socket; }
    bool isOpen() const override;
    bool isClosed() const override;
    qint64 bytesAvailable() const override;
    bool mayHaveInput() const override;
    qint64 read(char *data, qint64 maximum) override;
    void discardInput() override;
    void write(QByteArrayView bytes) override;
    qint64 unsent() const override;
    void disconnectFromHost() override;
    void abort() override;
    void setReadAhead(qint64 bytes) override;
    QString errorString() const override;

private:
    QTcpSocket *m_socket;
};

} // namespace Postern::Net
