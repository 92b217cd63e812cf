#pragma once

// The client's side of the WebSocket opening handshake (RFC 6455 §4.1): the request it
// sends, and the checks the server's 101 must pass before frames may flow. Shared by the
// proxy's back-end connector and the client library.

#include "websocket/handshakeresponse.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace Postern::WebSocket {

struct ClientHandshake
{
    QByteArray resource = "/";         // path and query: "/echo?x=1"
    QByteArray host;                    // the Host header: "example.com:8443"
    QByteArray key;                     // Sec-WebSocket-Key; newClientKey() when empty
    QList<QByteArray> protocols;        // Sec-WebSocket-Protocol offer, in order
    QList<QPair<QByteArray, QByteArray>> headers; // further headers, as given

    // Why the request could not be written as given (a resource, host, sub-protocol or header
    // value with CR, LF or NUL, which would end the line there and let the rest be read as
    // more headers or another request; a header name that is not an HTTP token), or an empty
    // string. Names the field, never its value (it may be a secret).
    QString invalidField() const;
    // Whether `value` may be a header value / `name` a header name (RFC 9110 §5).
    static bool isValidHeaderValue(QByteArrayView value);
    static bool isToken(QByteArrayView name);

    // The request head, ending with the blank line. Makes the key first when there is none.
    // Check invalidField() first: this writes whatever it is given.
    QByteArray request();
    // Why `response` (a 101) does not complete this handshake, or an empty string when it
    // does: Upgrade and Connection, the accept key, no extension, and a sub-protocol that
    // was offered (or none).
    QString problem(const HandshakeResponse &response) const;
};

} // namespace Postern::WebSocket
