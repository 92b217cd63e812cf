#pragma once

// A request of the management protocol: {"id", "op", "params"}. The id is the client's (a
// string or a number, echoed in the answer); params is an object, empty when absent.

#include "management/managementerror.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>

#include <expected>

namespace Postern::Management {

struct ManagementRequest
{
    QJsonValue id;
    QString operation;
    QJsonObject params;

    QByteArray toJson() const;
    // The request in `text`, or why it is not one. The error carries the id when one could
    // be read, so the answer can still be matched.
    static std::expected<ManagementRequest, std::pair<QJsonValue, ManagementError>> parse(QByteArrayView text);
};

} // namespace Postern::Management
