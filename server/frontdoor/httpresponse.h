#pragma once

// An HTTP response a service hands back to the front door: status, headers, and a body
// held in memory or read from a file as the socket drains.

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <memory>

class QIODevice;

namespace Postern::Frontdoor {

struct HttpResponse
{
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    std::shared_ptr<QIODevice> bodyDevice; // when set, `bodyLength` bytes are streamed from it
    qint64 bodyLength = -1;               // -1: body.size()
    bool omitBody = false;                // HEAD, 304: headers (with Content-Length) only
    // A logout: the front door adds the Set-Cookie that makes the browser forget the realm's
    // single sign-on cookie, with the same Secure flag it sets the cookie with.
    bool clearSessionCookie = false;

    void setHeader(const QByteArray &name, const QByteArray &value);
    qint64 contentLength() const { return bodyLength >= 0 ? bodyLength : body.size(); }

    // The status line and headers, with Date, Server, Content-Length and Connection added.
    QByteArray serializeHead(bool keepAlive) const;

    static QByteArray reasonPhrase(int status);
    // A short plain-text error page: "404 Not Found\n<detail>\n".
    static HttpResponse error(int status, const QString &detail = {});
};

} // namespace Postern::Frontdoor
