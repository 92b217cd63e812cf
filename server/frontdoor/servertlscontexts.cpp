#include "frontdoor/servertlscontexts.h"

#include "frontdoor/qtprivateheaders.h"

#include <QSslSocket>

#include <algorithm>

namespace Postern::Frontdoor {

namespace {

// Whether sockets may share the context built from `configuration`: Qt then writes nothing
// into it after building it, and OpenSSL can resume sessions on it.
bool shareable(const QSslConfiguration &configuration)
{
    // Qt caches one session per context, unless told not to.
    if (!configuration.testSslOption(QSsl::SslOptionDisableSessionSharing))
        return false;
    // Qt keeps the state of an ALPN negotiation in the context.
    if (!configuration.allowedNextProtocols().isEmpty())
        return false;
    // A context that asks for client certificates needs a session id context to resume a
    // session, and Qt sets none: OpenSSL would fail the handshake of every client that tries
    // to resume ("session id context uninitialized"). Such a listener keeps a context per
    // connection, where no session is ever found to resume.
    return configuration.peerVerifyMode() == QSslSocket::VerifyNone;
}

} // namespace

ServerTlsContexts::~ServerTlsContexts() = default;

void ServerTlsContexts::startServerEncryption(QSslSocket *socket, const QString &alias,
                                              const std::function<QSslConfiguration()> &configure)
{
    Entry entry;
    bool known = false;
    {
        const QMutexLocker lock(&m_mutex);
        if (const auto found = m_entries.constFind(alias); found != m_entries.cend()) {
            entry = *found;
            known = true;
        }
    }
    if (!known)
        entry.configuration = configure();
    socket->setSslConfiguration(entry.configuration);
    if (entry.context) {
        QSslSocketPrivate::checkSettingSslContext(socket, std::move(entry.context));
        socket->startServerEncryption();
        return;
    }
    socket->startServerEncryption();
    // The socket built a context from the configuration. One that failed to build is not kept
    // (the socket reports the error itself), and the next handshake tries again.
    if (shareable(entry.configuration))
        entry.context = QSslSocketPrivate::sslContext(socket);
    const QMutexLocker lock(&m_mutex);
    Entry &kept = m_entries[alias];
    if (kept.configuration.isNull())
        kept.configuration = std::move(entry.configuration);
    if (!kept.context)
        kept.context = std::move(entry.context);
}

qsizetype ServerTlsContexts::sharedContexts() const
{
    const QMutexLocker lock(&m_mutex);
    return std::count_if(m_entries.cbegin(), m_entries.cend(), [](const Entry &entry) { return bool(entry.context); });
}

} // namespace Postern::Frontdoor
