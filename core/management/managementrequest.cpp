#include "management/managementrequest.h"

#include "management/protocol.h"

#include <QJsonDocument>

namespace Postern::Management {

QByteArray ManagementRequest::toJson() const
{
    QJsonObject object{{QStringLiteral("id"), id}, {QStringLiteral("op"), operation}};
    if (!params.isEmpty())
        object.insert(QStringLiteral("params"), params);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

std::expected<ManagementRequest, std::pair<QJsonValue, ManagementError>> ManagementRequest::parse(QByteArrayView text)
{
    const auto fail = [](const QJsonValue &id, const QString &message) {
        return std::unexpected(std::pair{id, ManagementError{ErrorCode::BadRequest, message, {}}});
    };
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError)
        return fail(QJsonValue::Null, QStringLiteral("not JSON: %1 at offset %2").arg(error.errorString()).arg(error.offset));
    if (!document.isObject())
        return fail(QJsonValue::Null, QStringLiteral("a request is a JSON object"));
    const QJsonObject object = document.object();
    ManagementRequest request;
    request.id = object.value(u"id");
    if (!request.id.isString() && !request.id.isDouble())
        return fail(QJsonValue::Null, QStringLiteral("a request needs an \"id\" (a string or a number)"));
    const QJsonValue operation = object.value(u"op");
    if (!operation.isString() || operation.toString().isEmpty())
        return fail(request.id, QStringLiteral("a request needs an \"op\" (a string)"));
    request.operation = operation.toString();
    const QJsonValue params = object.value(u"params");
    if (!params.isUndefined() && !params.isNull() && !params.isObject())
        return fail(request.id, QStringLiteral("\"params\" must be an object"));
    request.params = params.toObject();
    for (auto it = object.constBegin(); it != object.constEnd(); ++it)
        if (it.key() != u"id" && it.key() != u"op" && it.key() != u"params")
            return fail(request.id, QStringLiteral("unknown member \"%1\" in a request").arg(it.key()));
    return request;
}

} // namespace Postern::Management
