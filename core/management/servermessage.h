#pragma once

// A message from the server of the management protocol: the answer to a request (result or
// error, with the request's id) or a pushed event (name and data).

#include "management/managementerror.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>

#include <expected>
#include <optional>

namespace Postern::Management {

struct ServerMessage
{
    enum class Kind { Result, Error, Event };

    Kind kind = Kind::Result;
    QJsonValue id;     // Result, Error
    QJsonValue result; // Result
    ManagementError error;
    QString event;     // Event
    QJsonObject data;  // Event

    static QByteArray resultJson(const QJsonValue &id, const QJsonValue &result);
    static QByteArray errorJson(const QJsonValue &id, const ManagementError &error);
    static QByteArray eventJson(const QString &event, const QJsonObject &data);

    // For clients: the message in `text`, or why it is not one.
    static std::expected<ServerMessage, QString> parse(QByteArrayView text);
};

} // namespace Postern::Management
