#include "connectionprofile.h"

#include <QCoreApplication>

namespace Postern::Admin {

QString ConnectionProfile::problem() const
{
    if (name.trimmed().isEmpty())
        return QCoreApplication::translate("ConnectionProfile", "The profile needs a name.");
    const QString scheme = url.scheme();
    if (!url.isValid() || url.host().isEmpty() || (scheme != u"wss" && scheme != u"ws"))
        return QCoreApplication::translate("ConnectionProfile",
                                           "The management URL must look like wss://gateway.example.com:9443/manage.");
    if (user.trimmed().isEmpty())
        return QCoreApplication::translate("ConnectionProfile", "The profile needs a user name.");
    return {};
}

QString ConnectionProfile::vaultKey() const
{
    return user + u'@' + url.toString(QUrl::RemoveUserInfo | QUrl::NormalizePathSegments);
}

} // namespace Postern::Admin
