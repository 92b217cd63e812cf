#pragma once

// How core code asks a person for a password (an encrypted PEM key, a PKCS#12 file) without
// knowing whether a terminal, a dialog or a script answers: the caller supplies one.

#include <QByteArray>
#include <QString>

#include <optional>

namespace Postern::Tls {

class PasswordProvider
{
public:
    virtual ~PasswordProvider() = default;
    // `purpose` says what the password opens ("the private key in privkey.pem").
    // Nothing means the person declined.
    virtual std::optional<QByteArray> password(const QString &purpose) = 0;
};

} // namespace Postern::Tls
