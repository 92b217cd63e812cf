#include "frontdoor/servertlscontexts.h"

#include <QSslSocket>

// Qt's private headers use a keyword the project turns off (QT_NO_KEYWORDS).
#define emit
#include <QtNetwork/private/qsslsocket_p.h>
#undef emit

namespace Postern::Frontdoor {

ServerTlsContexts::~ServerTlsContexts() = default;

void ServerTlsContexts::startServerEncryption(QSslSocket *socket, const QString &alias,
                                              const std::function<QSslConfiguration()> &configure)
{
    Entry entry;
    {
        const QMutexLocker lock(&m_mutex);
        entry = m_entries.value(alias);
    }
    if (entry.context) {
        socket->setSslConfiguration(entry.configuration);
        QSslSocketPrivate::checkSettingSslContext(socket, std::move(entry.context));
        socket->startServerEncryption();
        return;
    }
    entry.configuration = configure();
    socket->setSslConfiguration(entry.configuration);
    socket->startServerEncryption();
    // The socket built a context from the configuration. One that failed to build is not kept
    // (the socket reports the error itself), and the next handshake tries again.
    entry.context = QSslSocketPrivate::sslContext(socket);
    if (!entry.context)
        return;
    const QMutexLocker lock(&m_mutex);
    if (!m_entries.contains(alias))
        m_entries.insert(alias, std::move(entry));
}

qsizetype ServerTlsContexts::size() const
{
    const QMutexLocker lock(&m_mutex);
    return m_entries.size();
}

} // namespace Postern::Frontdoor
