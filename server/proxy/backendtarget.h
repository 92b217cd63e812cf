#pragma once

// Where and how a proxy service reaches its back-end, worked out once when the
// configuration is applied: the kind of connection, host and port, the WebSocket resource,
// the TLS configuration that verifies the back-end against the truststore (never against
// nothing), and the connect options. Shared, read-only, by every connection of the service.

#include "config/serviceconfig.h"

#include <QSslConfiguration>
#include <QString>

#include <expected>
#include <memory>

namespace Postern::Frontdoor { class TlsContext; }

namespace Postern::Proxy {

struct BackendTarget
{
    enum class Kind { Tcp, Ssl, Ws, Wss };

    Kind kind = Kind::Tcp;
    QString url;         // as configured, normalised: "wss://chat.test:443/socket"
    QString host;
    quint16 port = 0;
    QByteArray resource; // ws/wss: the request target, "/socket?room=1"
    QByteArray hostHeader; // ws/wss: "chat.test" (the port only when it is not the scheme's default)
    QSslConfiguration tls; // ssl/wss: truststore CAs, ssl.protocols, ssl.ciphers, peer verified
    Config::ConnectOptions options;
    qint64 readAhead = 16 * 1024; // what a connection reads ahead: ProxyRelay::readBufferSize()

    bool isTls() const { return kind == Kind::Ssl || kind == Kind::Wss; }
    bool isWebSocket() const { return kind == Kind::Ws || kind == Kind::Wss; }

    // From a proxy service's configuration; `tls` supplies the truststore (may be null when no
    // back-end needs TLS). Errors name the service and what is wrong (weak ciphers, no
    // trusted certificate).
    static std::expected<std::shared_ptr<const BackendTarget>, QString> resolve(const Config::ServiceConfig &service,
                                                                               const Frontdoor::TlsContext *tls);
};

using BackendTargetPtr = std::shared_ptr<const BackendTarget>;

} // namespace Postern::Proxy
