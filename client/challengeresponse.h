#pragma once

// A challenge handler's answer: how the next attempt presents the credentials. Usually an
// Authorization value; a token may go in another header, a query parameter or a cookie
// instead. It holds secrets: the client wipes it once the request is written.

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace Postern::Client {

struct ChallengeResponse
{
    QByteArray authorization;                     // the Authorization header's value
    QList<QPair<QByteArray, QByteArray>> headers; // other request headers
    // Added to the URL's query, name and value percent-encoded in full (as UTF-8): '+', '%',
    // '&', '=' and '/' arrive as they are here.
    QList<QPair<QString, QString>> queryItems;
    // Added to the Cookie header as they are: a value must be RFC 6265 cookie-octets (no
    // space, '"', ',', ';' or '\\'), else the attempt ends with ConnectOutcome InvalidRequest.
    QList<QPair<QByteArray, QByteArray>> cookies;

    bool isEmpty() const { return authorization.isEmpty() && headers.isEmpty() && queryItems.isEmpty() && cookies.isEmpty(); }
    // Overwrites the bytes that held secrets, and empties it.
    void wipe();
};

} // namespace Postern::Client
