#pragma once

// The OpenSSL contexts of one listener's TLS connections, one per keystore entry, built by the
// first handshake that uses the entry and shared by every later one, with the entry's
// configuration (the listener's settings applied).
//
// QSslSocket builds an OpenSSL context (SSL_CTX) for every connection from its configuration:
// measured with perf, SSL_CTX_new and loading the certificate and key into it cost more of
// posternd's CPU per wss handshake than the handshake's cryptography. Qt 6.4 shares a context
// between sockets only through QSslSocketPrivate (private API, used by Qt's own HTTP
// connection pool; see qtprivateheaders.h).
// Contexts belong to one listener context: its TLS settings, its keystore; a reload makes new
// ones. Sockets of several worker threads may share a context: OpenSSL lets threads create
// sessions from one SSL_CTX, and a context is shared only when its configuration has Qt's
// session caching off and no ALPN, the only things Qt writes into a context after building
// it. A listener that asks for client certificates does not share (see shareable() in the
// .cpp): it keeps a context per connection, and so no session resumption, as before.

#include <QHash>
#include <QMutex>
#include <QSslConfiguration>
#include <QString>

#include <functional>
#include <memory>

QT_BEGIN_NAMESPACE
class QSslContext;
class QSslSocket;
QT_END_NAMESPACE

namespace Postern::Frontdoor {

class ServerTlsContexts final
{
public:
    ServerTlsContexts() = default;
    ~ServerTlsContexts();
    Q_DISABLE_COPY_MOVE(ServerTlsContexts)

    // Starts the server handshake on `socket` for the keystore entry `alias`, with the entry's
    // configuration and (when shared) context once a handshake built them; else with what
    // `configure` makes (the entry's configuration, the listener's settings applied), kept
    // for the next.
    void startServerEncryption(QSslSocket *socket, const QString &alias,
                               const std::function<QSslConfiguration()> &configure);

    // How many contexts are shared (one per entry used so far, when shareable).
    qsizetype sharedContexts() const;

private:
    struct Entry
    {
        QSslConfiguration configuration;
        std::shared_ptr<QSslContext> context;
    };

    mutable QMutex m_mutex;
    QHash<QString, Entry> m_entries; // by keystore alias
};

} // namespace Postern::Frontdoor
