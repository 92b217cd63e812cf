#include "proxy/backendtarget.h"

#include "frontdoor/tlscontext.h"
#include "frontdoor/tlssettings.h"

#include <QHostAddress>
#include <QSslSocket>

namespace Postern::Proxy {

std::expected<BackendTargetPtr, QString> BackendTarget::resolve(const Config::ServiceConfig &service,
                                                                const Frontdoor::TlsContext *tls)
{
    auto target = std::make_shared<BackendTarget>();
    const QUrl &url = service.connect;
    const QString scheme = url.scheme();
    target->kind = scheme == u"ssl" ? Kind::Ssl : scheme == u"ws" ? Kind::Ws : scheme == u"wss" ? Kind::Wss : Kind::Tcp;
    target->url = url.toString();
    target->host = url.host();
    target->port = quint16(url.port());
    target->options = service.connectOptions;
    target->readAhead = qBound(qint64(1024), service.proxy.maximumPendingBytes / 4, qint64(64 * 1024));
    if (target->isWebSocket()) {
        target->resource = url.path(QUrl::FullyEncoded).toLatin1();
        if (url.hasQuery())
            target->resource += '?' + url.query(QUrl::FullyEncoded).toLatin1();
        const bool ipv6 = QHostAddress(target->host).protocol() == QAbstractSocket::IPv6Protocol;
        target->hostHeader = (ipv6 ? '[' + target->host.toLatin1() + ']' : target->host.toLatin1());
        if (target->port != (target->kind == Kind::Wss ? 443 : 80))
            target->hostHeader += ':' + QByteArray::number(target->port);
    }
    if (target->isTls()) {
        if (!tls || tls->trusted().isEmpty())
            return std::unexpected(QStringLiteral("service '%1': back-end %2 needs a truststore with trusted certificates")
                                       .arg(service.name, target->url));
        const auto settings = Frontdoor::TlsSettings::resolve(service.connectOptions.sslProtocols,
                                                              service.connectOptions.sslCiphers);
        if (!settings)
            return std::unexpected(QStringLiteral("service '%1', connect-options: %2").arg(service.name, settings.error()));
        QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
        settings->applyTo(configuration);
        // Only the truststore: the system's CAs are not asked, and nothing is ignored.
        configuration.setCaCertificates(tls->trusted());
        configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
        target->tls = configuration;
    }
    return BackendTargetPtr(std::move(target));
}

} // namespace Postern::Proxy
