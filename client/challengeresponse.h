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
    QList<QPair<QString, QString>> queryItems;    // added to the URL's query
    QList<QPair<QByteArray, QByteArray>> cookies; // added to the Cookie header

    bool isEmpty() const { return authorization.isEmpty() && headers.isEmpty() && queryItems.isEmpty() && cookies.isEmpty(); }
    // Overwrites the bytes that held secrets, and empties it.
    void wipe();
};

} // namespace Postern::Client
