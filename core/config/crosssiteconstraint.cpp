#include "config/crosssiteconstraint.h"

#include <QUrl>

namespace Postern::Config {

std::optional<QString> CrossSiteConstraint::normaliseOrigin(const QString &origin)
{
    if (origin == u"null")
        return QStringLiteral("null");
    const QUrl url(origin, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || (scheme != u"http" && scheme != u"https") || url.host().isEmpty()
        || !url.userInfo().isEmpty() || url.hasQuery() || url.hasFragment()
        || !(url.path().isEmpty() || url.path() == u"/"))
        return std::nullopt;
    const int port = url.port(scheme == u"https" ? 443 : 80);
    const QString host = url.host().toLower();
    return scheme + QStringLiteral("://") + (host.contains(u':') ? u'[' + host + u']' : host) + u':'
        + QString::number(port);
}

} // namespace Postern::Config
