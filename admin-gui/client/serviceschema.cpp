#include "serviceschema.h"

#include <QCoreApplication>

namespace Postern::Admin {

QStringList ServiceSchema::types()
{
    return {QStringLiteral("echo"), QStringLiteral("directory"), QStringLiteral("proxy"), QStringLiteral("broadcast"),
            QStringLiteral("login"), QStringLiteral("management")};
}

QString ServiceSchema::describe(const QString &type)
{
    const auto tr = [](const char *text) { return QCoreApplication::translate("Postern::Admin::ServiceSchema", text); };
    if (type == u"echo")
        return tr("Sends every WebSocket message back to its sender.");
    if (type == u"directory")
        return tr("Serves static files over HTTP from a folder (the property 'directory').");
    if (type == u"proxy")
        return tr("Relays each WebSocket session to its own connection to the back-end named by the connect URL.");
    if (type == u"broadcast")
        return tr("Delivers what one source sends to every connected client. The source is the connect URL, or "
                  "connections to the property 'accept' (tcp://address:port).");
    if (type == u"login")
        return tr("Exchanges a browser page's credentials for the realm's single sign-on cookie.");
    if (type == u"management")
        return tr("The management API that this console uses.");
    return {};
}

bool ServiceSchema::connects(const QString &type)
{
    return type == u"proxy" || type == u"broadcast";
}

bool ServiceSchema::servesFiles(const QString &type)
{
    return type == u"directory";
}

QString ServiceSchema::acceptExample(const QString &type)
{
    if (type == u"directory" || type == u"login")
        return QStringLiteral("https://gateway.example.com:9000/path");
    return QStringLiteral("wss://gateway.example.com:9000/path");
}

QStringList ServiceSchema::propertyNames(const QString &type)
{
    if (type == u"directory")
        return {QStringLiteral("directory"), QStringLiteral("welcome-file")};
    if (type == u"proxy")
        return {QStringLiteral("connect.strategy"), QStringLiteral("prepared.connection.count"),
                QStringLiteral("maximum.pending.bytes")};
    if (type == u"broadcast")
        return {QStringLiteral("accept"), QStringLiteral("on.client.message"), QStringLiteral("slow.consumer"),
                QStringLiteral("maximum.pending.bytes"), QStringLiteral("reconnect.delay"),
                QStringLiteral("reconnect.maximum.delay"), QStringLiteral("source.framing"),
                QStringLiteral("source.maximum.message.size"), QStringLiteral("on.source.lost")};
    if (type == u"management")
        return {QStringLiteral("read-only.role"), QStringLiteral("audit.log"), QStringLiteral("allow.unencrypted"),
                QStringLiteral("metrics")};
    return {};
}

QStringList ServiceSchema::acceptOptionNames()
{
    return {QStringLiteral("ws.maximum.message.size"),   QStringLiteral("ws.inactivity.timeout"),
            QStringLiteral("http.keepalive.timeout"),    QStringLiteral("http.request.head.timeout"),
            QStringLiteral("http.request.head.maximum.size"), QStringLiteral("http.write.timeout"),
            QStringLiteral("ws.maximum.sessions"),       QStringLiteral("tcp.maximum.connections"),
            QStringLiteral("tcp.maximum.connections.per.address"),
            QStringLiteral("ssl.protocols"),             QStringLiteral("ssl.ciphers"),
            QStringLiteral("ssl.verify-client"),         QStringLiteral("ssl.encryption")};
}

QStringList ServiceSchema::connectOptionNames()
{
    return {QStringLiteral("connect.timeout"), QStringLiteral("ssl.protocols"), QStringLiteral("ssl.ciphers"),
            QStringLiteral("ws.inactivity.timeout"), QStringLiteral("ws.maximum.message.size")};
}

} // namespace Postern::Admin
