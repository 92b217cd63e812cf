#pragma once

// A login module decides whether credentials name a user, and which roles they hold.

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace Postern::Auth {

struct Credentials
{
    QString user;
    QByteArray password;
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
    // Nothing when these credentials are not a login this module accepts.
    virtual std::optional<LoginResult> login(const Credentials &credentials) const = 0;
};

} // namespace Postern::Auth
