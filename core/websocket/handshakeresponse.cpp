#include "websocket/handshakeresponse.h"

namespace Postern::WebSocket {

qsizetype HandshakeResponse::findEnd(QByteArrayView data)
{
    const qsizetype at = data.indexOf("\r\n\r\n");
    return at < 0 ? -1 : at + 4;
}

std::optional<HandshakeResponse> HandshakeResponse::parse(QByteArrayView data)
{
    const qsizetype end = findEnd(data);
    if (end < 0)
        return std::nullopt;
    const QList<QByteArray> lines = data.first(end - 4).toByteArray().split('\n');
    HandshakeResponse response;
    response.headLength = end;
    response.statusLine = lines.first().trimmed();
    // "HTTP/1.1 101 Switching Protocols"
    if (!response.statusLine.startsWith("HTTP/1.") || response.statusLine.size() < 12 || response.statusLine.at(8) != ' ')
        return std::nullopt;
    bool ok = false;
    response.status = response.statusLine.mid(9, 3).toInt(&ok);
    if (!ok || response.status < 100 || response.status > 599)
        return std::nullopt;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        if (line.isEmpty())
            continue;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return std::nullopt;
        response.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    return response;
}

QList<QByteArray> HandshakeResponse::values(QByteArrayView name) const
{
    QList<QByteArray> found;
    for (const auto &[key, value] : headers)
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            found.append(value);
    return found;
}

bool HandshakeResponse::hasToken(QByteArrayView name, QByteArrayView token) const
{
    for (const QByteArray &value : values(name))
        for (const QByteArray &part : value.split(','))
            if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
                return true;
    return false;
}

} // namespace Postern::WebSocket
