#pragma once

// type "client-certificate": the user is the subject of the certificate the client
// presented and the gateway verified against the truststore (ssl.verify-client), with the
// roles the module's options grant. Alone it makes a realm of mutual TLS; `required`
// next to a file or token module it makes a second factor.

#include "auth/loginmodule.h"

namespace Postern::Auth {

class CertificateLoginModule final : public LoginModule
{
public:
    enum class UserName { CommonName, Subject };

    CertificateLoginModule(UserName userName, QStringList roles) : m_userName(userName), m_roles(std::move(roles)) {}
    std::expected<LoginResult, QString> login(const Credentials &credentials) const override;

private:
    UserName m_userName;
    QStringList m_roles;
};

} // namespace Postern::Auth
