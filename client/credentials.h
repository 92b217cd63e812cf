#pragma once

// A user name and password an application hands to BasicChallengeHandler (from a login
// dialog, a keyring). Kept no longer than it takes to encode them. Wiping is best-effort: it
// overwrites the buffers the library holds, but copies it does not own (QString's implicit
// sharing, the socket's and the kernel's send buffers, TLS records) are not zeroed.

#include <QString>

namespace Postern::Client {

struct Credentials
{
    QString user;
    QString password;

    // Overwrites the password's characters, and empties both.
    void wipe()
    {
        password.fill(u'\0');
        password.clear();
        user.clear();
    }
};

} // namespace Postern::Client
