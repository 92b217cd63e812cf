#include "tokencarrier.h"

#include "challenge.h"

namespace Postern::Client {

TokenCarrier TokenCarrier::resolvedFor(const Challenge &challenge) const
{
    if (kind != Kind::Advertised)
        return *this;
    if (const QString header = challenge.parameter(QStringLiteral("header")); !header.isEmpty())
        return TokenCarrier::header(header.toLatin1());
    if (const QString cookie = challenge.parameter(QStringLiteral("cookie")); !cookie.isEmpty())
        return TokenCarrier::cookie(cookie.toLatin1());
    if (const QString parameter = challenge.parameter(QStringLiteral("parameter")); !parameter.isEmpty())
        return TokenCarrier::queryParameter(parameter.toLatin1());
    return authorization();
}

} // namespace Postern::Client
