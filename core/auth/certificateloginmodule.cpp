#include "auth/certificateloginmodule.h"

namespace Postern::Auth {

std::expected<LoginResult, QString> CertificateLoginModule::login(const Credentials &credentials) const
{
    if (credentials.clientCertificateSubject.isEmpty())
        return std::unexpected(QStringLiteral("no verified client certificate"));
    const QString user = m_userName == UserName::Subject ? credentials.clientCertificateSubject
                                                         : credentials.clientCertificateCommonName;
    if (user.isEmpty())
        return std::unexpected(QStringLiteral("client certificate '%1' has no common name").arg(credentials.clientCertificateSubject));
    return LoginResult{user, m_roles};
}

} // namespace Postern::Auth
