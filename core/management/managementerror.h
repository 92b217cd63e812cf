#pragma once

// An error answer of the management protocol: a code from ErrorCode, a message a person can
// act on, and the field it is about when there is one ("accept[1]", "params.alias").

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace Postern::Management {

struct ManagementError
{
    ManagementError() = default;
    ManagementError(QString code, QString message, QString field = {})
        : code(std::move(code)), message(std::move(message)), field(std::move(field))
    {
    }

    QString code;
    QString message;
    QString field;
    // The server's own: the operation needs these accept host names resolved (in the
    // background) before it can run; the server does that and runs it again. Never sent.
    QStringList unresolvedHosts;

    QJsonObject toJson() const;
    static ManagementError fromJson(const QJsonObject &object);
};

} // namespace Postern::Management
