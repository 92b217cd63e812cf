#pragma once

// An error answer of the management protocol: a code from ErrorCode, a message a person can
// act on, and the field it is about when there is one ("accept[1]", "params.alias").

#include <QJsonObject>
#include <QString>

namespace Postern::Management {

struct ManagementError
{
    QString code;
    QString message;
    QString field;

    QJsonObject toJson() const;
    static ManagementError fromJson(const QJsonObject &object);
};

} // namespace Postern::Management
