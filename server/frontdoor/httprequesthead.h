#pragma once

// A parsed HTTP/1.x request head.

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace Postern::Frontdoor {

struct HttpRequestHead
{
    QByteArray method;
    QByteArray target;   // origin-form: "/path?query" (an absolute-form target is reduced to it)
    QByteArray absoluteAuthority; // "host:port" of an absolute-form target, which wins over Host
    QString path;        // percent-decoded path, always starting with '/'
    QByteArray query;    // raw, without '?'
    int minorVersion = 1; // HTTP/1.<minorVersion>
    QList<QPair<QByteArray, QByteArray>> headers; // names as sent, values trimmed
    qsizetype headLength = 0; // bytes up to and including the blank line

    // The first value of a header (case-insensitive name), or a null array.
    QByteArray header(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const { return !header(name).isNull(); }
    // Whether a comma-separated header holds `token` (case-insensitive), e.g. Connection: upgrade.
    bool headerHasToken(QByteArrayView name, QByteArrayView token) const;

    // The first query parameter `name`, percent-decoded ('+' as space); null when absent.
    QByteArray queryParameter(QByteArrayView name) const;
    // The first cookie `name` from the Cookie headers (RFC 6265 §5.4); null when absent.
    QByteArray cookie(QByteArrayView name) const;

    QString host() const;       // the absolute-form authority's or Host's host, no port, lower case
    bool wantsWebSocket() const; // Upgrade: websocket with Connection: upgrade
    bool keepAlive() const;     // HTTP/1.1 unless "close"; HTTP/1.0 only with "keep-alive"
    bool hasBody() const;
};

} // namespace Postern::Frontdoor
