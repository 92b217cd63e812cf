#include "management/servermessage.h"

#include <QJsonDocument>

namespace Postern::Management {

QByteArray ServerMessage::resultJson(const QJsonValue &id, const QJsonValue &result)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("result"), result}})
        .toJson(QJsonDocument::Compact);
}

QByteArray ServerMessage::errorJson(const QJsonValue &id, const ManagementError &error)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("error"), error.toJson()}})
        .toJson(QJsonDocument::Compact);
}

QByteArray ServerMessage::eventJson(const QString &event, const QJsonObject &data)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("event"), event}, {QStringLiteral("data"), data}})
        .toJson(QJsonDocument::Compact);
}

std::expected<ServerMessage, QString> ServerMessage::parse(QByteArrayView text)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return std::unexpected(QStringLiteral("the server sent something that is not a JSON object"));
    const QJsonObject object = document.object();
    ServerMessage message;
    if (object.contains(u"event")) {
        message.kind = Kind::Event;
        message.event = object.value(u"event").toString();
        message.data = object.value(u"data").toObject();
        if (message.event.isEmpty())
            return std::unexpected(QStringLiteral("an event without a name"));
        return message;
    }
    message.id = object.value(u"id");
    if (object.contains(u"error")) {
        message.kind = Kind::Error;
        message.error = ManagementError::fromJson(object.value(u"error").toObject());
        return message;
    }
    if (!object.contains(u"result"))
        return std::unexpected(QStringLiteral("a message that is neither an answer nor an event"));
    message.kind = Kind::Result;
    message.result = object.value(u"result");
    return message;
}

} // namespace Postern::Management
