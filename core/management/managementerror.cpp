#include "management/managementerror.h"

namespace Postern::Management {

QJsonObject ManagementError::toJson() const
{
    QJsonObject object{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    if (!field.isEmpty())
        object.insert(QStringLiteral("field"), field);
    return object;
}

ManagementError ManagementError::fromJson(const QJsonObject &object)
{
    return {object.value(u"code").toString(), object.value(u"message").toString(), object.value(u"field").toString()};
}

} // namespace Postern::Management
