#pragma once

// Answers a plain-text connection the gateway will not serve (a connection limit) with 503
// and Retry-After, at once and without reading its request: the answer is written, the
// sending side shut down, and what the client still sends is read and dropped until it
// closes or a short grace period ends, so that its request arriving after our close does not
// make the kernel reset the connection before the client has read the answer.

#include <QObject>
#include <QTimer>

#include <chrono>

class QTcpSocket;

namespace Postern::Frontdoor {

class OverloadResponder final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OverloadResponder)

public:
    static constexpr std::chrono::seconds kRetryAfter{5};
    static constexpr std::chrono::seconds kGrace{2};

    // Takes the socket; deletes itself (and the socket) when done.
    OverloadResponder(QTcpSocket *socket, const QString &detail, QObject *parent);
    ~OverloadResponder() override;

private:
    QTcpSocket *m_socket;
    QTimer m_timer;
};

} // namespace Postern::Frontdoor
