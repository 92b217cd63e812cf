#pragma once

// Collects what a request presents to a realm: Basic credentials ("Basic" or "Application
// Basic"), a token ("Bearer", "Token" or "Application Token" in Authorization, else the
// realm's http-header, http-query-parameter and http-cookie names, in that order), and the
// verified client certificate's subject.

#include "auth/loginmodule.h"

namespace Postern::Auth { class Realm; }

namespace Postern::Frontdoor {

struct ConnectionInfo;
struct HttpRequestHead;

class CredentialReader
{
public:
    struct Result
    {
        Auth::Credentials credentials;
        QString malformed; // why an Authorization header could not be read, if it could not
    };

    static Result read(const HttpRequestHead &request, const Auth::Realm &realm, const ConnectionInfo &connection);
    // Whether the request carries a password or token anywhere the realm reads (whatever its
    // worth): then it is a login, not a visit with a single sign-on cookie.
    static bool presentsSecrets(const HttpRequestHead &request, const Auth::Realm &realm);
};

} // namespace Postern::Frontdoor
