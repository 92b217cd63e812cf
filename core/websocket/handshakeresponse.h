#pragma once

// The server's answer to a WebSocket opening handshake, as a client reads it: the status
// line and headers of an HTTP/1.1 response head (RFC 6455 §4.1; RFC 9112). Used by the
// proxy's back-end connector and by the client library.

#include <QByteArray>
#include <QList>
#include <QPair>

#include <optional>

namespace Postern::WebSocket {

struct HandshakeResponse
{
    // The largest response head a client reads.
    static constexpr qsizetype kMaximumHead = 16 * 1024;

    int status = 0;
    QByteArray statusLine; // "HTTP/1.1 101 Switching Protocols"
    QList<QPair<QByteArray, QByteArray>> headers;
    qsizetype headLength = 0; // bytes up to and including the blank line

    // Where a head ends in `data` (just past "\r\n\r\n"), or -1 when it has not yet.
    static qsizetype findEnd(QByteArrayView data);
    // The head at the start of `data`, or nothing when it is not an HTTP/1.x response head.
    static std::optional<HandshakeResponse> parse(QByteArrayView data);

    QList<QByteArray> values(QByteArrayView name) const;
    QByteArray value(QByteArrayView name) const { return values(name).value(0); }
    // Whether a comma-separated header holds `token` (case-insensitive).
    bool hasToken(QByteArrayView name, QByteArrayView token) const;
    // The reason phrase: "Forbidden".
    QByteArray reason() const { return statusLine.mid(13); }
};

} // namespace Postern::WebSocket
