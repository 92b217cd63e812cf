#pragma once

// How an attempt to connect ended, with what an application (or a person) needs to act on
// it: the refusal's status and the gateway's reason, the challenge that could not be
// answered, or the certificate that was not trusted and why.

#include "challenge.h"

#include <QList>
#include <QSslCertificate>
#include <QSslError>
#include <QString>

#include <optional>

namespace Postern::Client {

struct ConnectOutcome
{
    enum class Kind {
        Connected,    // the WebSocket is open
        Refused,      // the gateway answered with an HTTP status other than 101 (and 401 with no handler for it)
        GaveUp,       // a 401 the handler declined to answer, or answers refused maximumAttempts times, or
                      // Basic credentials that ws:// would send in the clear (see allowCleartextCredentials)
        TlsFailure,   // the server's certificate was not accepted (or the TLS handshake failed)
        Unreachable,  // no connection, or none within the time (timeout, reset, DNS)
        BadHandshake, // the server answered, but not as RFC 6455 requires
        InvalidUrl,   // not a ws:// or wss:// URL with a host
        InvalidRequest, // a header, Origin, sub-protocol, cookie or challenge answer that would break the
                        // request (CR, LF or NUL; a name that is not a token): nothing of it was sent
        Aborted,      // abort() or close() before it was open
    };

    Kind kind = Kind::Unreachable;
    int status = 0;     // the HTTP status (Refused; GaveUp: 401)
    QString reason;     // the status's reason phrase ("Forbidden")
    QString detail;     // the gateway's explanation from the response body ("origin not allowed")
    QString message;    // one sentence for a person, saying all of the above
    int retryAfter = -1; // seconds, from a 429's Retry-After
    std::optional<Challenge> challenge; // the last challenge met
    // TlsFailure: what the server showed, and what was wrong with it.
    QList<QSslCertificate> peerChain;
    QList<QSslError> tlsErrors;

    bool isConnected() const { return kind == Kind::Connected; }
    static QString kindName(Kind kind);
    // "subject CN=gw, issued by CN=gw, valid 2026-11-29 to 2027-11-29, SHA-256 AB:CD:…".
    static QString describe(const QSslCertificate &certificate);
};

} // namespace Postern::Client
