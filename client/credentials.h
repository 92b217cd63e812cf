#pragma once

// A user name and password an application hands to BasicChallengeHandler (from a login
// dialog, a keyring). Kept no longer than it takes to encode them.

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
