#include "websocket/clienthandshake.h"

#include "websocket/handshake.h"

#include <algorithm>

namespace Postern::WebSocket {

bool ClientHandshake::isValidHeaderValue(QByteArrayView value)
{
    return !value.contains('\r') && !value.contains('\n') && !value.contains('\0');
}

bool ClientHandshake::isToken(QByteArrayView name)
{
    static constexpr QByteArrayView kSeparators("!#$%&'*+-.^_`|~");
    return !name.isEmpty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || kSeparators.contains(c);
    });
}

QString ClientHandshake::invalidField() const
{
    // The resource must also hold no space: it ends at the first one in the request line.
    if (!isValidHeaderValue(resource) || resource.contains(' '))
        return QStringLiteral("the request target holds a space, CR, LF or NUL");
    if (!isValidHeaderValue(host) || host.contains(' '))
        return QStringLiteral("the Host header holds a space, CR, LF or NUL");
    // Only what breaks the request: a proxy passes on whatever its client offered.
    for (const QByteArray &protocol : protocols)
        if (!isValidHeaderValue(protocol) || protocol.contains(','))
            return QStringLiteral("a sub-protocol holds a comma, CR, LF or NUL");
    for (const auto &[name, value] : headers) {
        if (!isToken(name))
            return QStringLiteral("a header name is not an HTTP token");
        if (!isValidHeaderValue(value))
            return QStringLiteral("the value of header %1 holds CR, LF or NUL").arg(QString::fromLatin1(name));
    }
    return {};
}

QByteArray ClientHandshake::request()
{
    if (key.isEmpty())
        key = Handshake::newClientKey();
    QByteArray head = "GET " + resource + " HTTP/1.1\r\n"
                      "Host: " + host + "\r\n"
                      "Upgrade: websocket\r\n"
                      "Connection: Upgrade\r\n"
                      "Sec-WebSocket-Key: " + key + "\r\n"
                      "Sec-WebSocket-Version: 13\r\n";
    if (!protocols.isEmpty())
        head += "Sec-WebSocket-Protocol: " + protocols.join(", ") + "\r\n";
    for (const auto &[name, value] : headers)
        head += name + ": " + value + "\r\n";
    return head + "\r\n";
}

QString ClientHandshake::problem(const HandshakeResponse &response) const
{
    if (response.status != 101)
        return QStringLiteral("status %1 instead of 101").arg(response.status);
    if (!response.hasToken("Upgrade", "websocket") || !response.hasToken("Connection", "upgrade"))
        return QStringLiteral("no Upgrade: websocket and Connection: Upgrade");
    const QList<QByteArray> accept = response.values("Sec-WebSocket-Accept");
    if (accept.size() != 1 || accept.first() != Handshake::acceptKey(key))
        return QStringLiteral("Sec-WebSocket-Accept does not match the key");
    if (!response.values("Sec-WebSocket-Extensions").isEmpty())
        return QStringLiteral("it chose an extension, and none was offered");
    const QList<QByteArray> chosen = response.values("Sec-WebSocket-Protocol");
    if (chosen.size() > 1 || (chosen.size() == 1 && !protocols.contains(chosen.first())))
        return QStringLiteral("it chose sub-protocol '%1', which was not offered")
            .arg(QString::fromLatin1(chosen.join(", ").left(100)));
    return {};
}

} // namespace Postern::WebSocket
