#include "frontdoor/httpresponse.h"

#include "frontdoor/httpdate.h"

#include <QDateTime>

namespace Postern::Frontdoor {

void HttpResponse::setHeader(const QByteArray &name, const QByteArray &value)
{
    for (auto &header : headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0) {
            header.second = value;
            return;
        }
    }
    headers.append({name, value});
}

QByteArray HttpResponse::reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

QByteArray HttpResponse::serializeHead(bool keepAlive) const
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    out += "Date: " + HttpDate::format(QDateTime::currentDateTimeUtc()) + "\r\nServer: Postern\r\n";
    const QByteArray persistence = keepAlive ? "keep-alive" : "close";
    bool connectionWritten = false;
    for (const auto &[name, value] : headers) {
        if (name.compare("Connection", Qt::CaseInsensitive) == 0) {
            // A service's own Connection tokens (426's "Upgrade") join ours in one header.
            out += "Connection: " + value + ", " + persistence + "\r\n";
            connectionWritten = true;
            continue;
        }
        out += name + ": " + value + "\r\n";
    }
    if (status != 304 && !(status >= 100 && status < 200) && status != 204)
        out += "Content-Length: " + QByteArray::number(contentLength()) + "\r\n";
    if (!connectionWritten)
        out += "Connection: " + persistence + "\r\n";
    out += "\r\n";
    return out;
}

HttpResponse HttpResponse::error(int status, const QString &detail)
{
    HttpResponse response;
    response.status = status;
    response.setHeader("Content-Type", "text/plain; charset=utf-8");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.body = QByteArray::number(status) + ' ' + reasonPhrase(status) + '\n';
    if (!detail.isEmpty())
        response.body += detail.toUtf8() + '\n';
    return response;
}

} // namespace Postern::Frontdoor
