#pragma once

// Typed access to a request's params: each getter answers the value or an invalid-params
// error naming the parameter ("params.alias must be a string").

#include "management/managementerror.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

#include <expected>
#include <optional>

namespace Postern::Management {

class Params
{
public:
    explicit Params(QJsonObject params) : m_params(std::move(params)) {}

    const QJsonObject &json() const { return m_params; }
    bool has(const QString &name) const { return m_params.contains(name) && !m_params.value(name).isNull(); }

    // A non-empty string (required), or the default when absent (optional).
    std::expected<QString, ManagementError> string(const QString &name) const;
    std::expected<QString, ManagementError> string(const QString &name, const QString &fallback) const;
    std::expected<QStringList, ManagementError> strings(const QString &name) const; // absent: empty
    std::expected<qint64, ManagementError> integer(const QString &name, qint64 fallback, qint64 minimum,
                                                   qint64 maximum) const;
    std::expected<QList<qint64>, ManagementError> integers(const QString &name, qint64 minimum,
                                                           qint64 maximum) const; // absent: empty
    std::expected<bool, ManagementError> boolean(const QString &name, bool fallback) const;
    std::expected<QJsonObject, ManagementError> object(const QString &name) const; // required
    // Base64 text decoded; required.
    std::expected<QByteArray, ManagementError> bytes(const QString &name) const;

    static ManagementError invalid(const QString &name, const QString &message);
    // The error of the first of these results that failed, in the order given (a request is
    // answered with the first problem in it); nothing when all hold values.
    template<typename... Results>
    static std::optional<ManagementError> firstError(const Results &...results)
    {
        std::optional<ManagementError> error;
        ((!error && !results ? void(error = results.error()) : void()), ...);
        return error;
    }
    // A JSON number that is whole and within the range, else nothing (1.5, "1", 1e300).
    static std::optional<qint64> wholeNumber(const QJsonValue &value, qint64 minimum, qint64 maximum);

private:
    QJsonObject m_params;
};

} // namespace Postern::Management
