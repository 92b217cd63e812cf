#include "frontdoor/servertlscontexts.h"

#include <QSslSocket>

// Qt's private headers use a keyword the project turns off (QT_NO_KEYWORDS).
#define emit
#include <QtNetwork/private/qsslsocket_p.h>
#undef emit

namespace Postern::Frontdoor {

ServerTlsContexts::~ServerTlsContexts() = default;

void ServerTlsContexts::startServerEncryption(QSslSocket *socket, const QString &alias,
                                              const QSslConfiguration &configuration)
{
    std::shared_ptr<QSslContext> shared;
    {
        const QMutexLocker lock(&m_mutex);
        shared = m_contexts.value(alias);
    }
    socket->setSslConfiguration(configuration);
    if (shared) {
        QSslSocketPrivate::checkSettingSslContext(socket, std::move(shared));
        socket->startServerEncryption();
        return;
    }
    socket->startServerEncryption();
    // The socket built a context from `configuration`: a context that failed to build is not
    // kept (the socket reports that error itself).
    if (std::shared_ptr<QSslContext> built = QSslSocketPrivate::sslContext(socket)) {
        const QMutexLocker lock(&m_mutex);
        if (!m_contexts.contains(alias))
            m_contexts.insert(alias, std::move(built));
    }
}

qsizetype ServerTlsContexts::size() const
{
    const QMutexLocker lock(&m_mutex);
    return m_contexts.size();
}

} // namespace Postern::Frontdoor
