#pragma once

// A login module decides whether credentials name a user, and which roles they hold.

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <expected>

namespace Postern::Auth {

// What a client presented, from every place the realm looks: Basic user and password, a
// token (Authorization: Bearer / Application Token, or the realm's http-header,
// http-query-parameter or http-cookie), and the subject of a verified client certificate.
// Basic's user and password are filled together or not at all.
struct Credentials
{
    QString user;
    QByteArray password;
    QByteArray token;
    QString clientCertificateSubject;    // RFC 2253 ("CN=alice,O=Example"), verified
    QString clientCertificateCommonName;

    bool isEmpty() const { return user.isEmpty() && password.isEmpty() && token.isEmpty() && clientCertificateSubject.isEmpty(); }
};

struct LoginResult
{
    QString user;
    QStringList roles;
};

class LoginModule
{
public:
    virtual ~LoginModule() = default;
    // The user, or why these credentials are not a login this module accepts (for the log:
    // it never contains a password or token).
    virtual std::expected<LoginResult, QString> login(const Credentials &credentials) const = 0;
};

} // namespace Postern::Auth
