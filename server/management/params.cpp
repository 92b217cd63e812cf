#include "management/params.h"

#include "management/protocol.h"

#include <cmath>

namespace Postern::Management {

ManagementError Params::invalid(const QString &name, const QString &message)
{
    return {ErrorCode::InvalidParams, message, QStringLiteral("params.") + name};
}

std::expected<QString, ManagementError> Params::string(const QString &name) const
{
    const QJsonValue value = m_params.value(name);
    if (!value.isString() || value.toString().isEmpty())
        return std::unexpected(invalid(name, QStringLiteral("params.%1 must be a non-empty string").arg(name)));
    return value.toString();
}

std::expected<QString, ManagementError> Params::string(const QString &name, const QString &fallback) const
{
    if (!has(name))
        return fallback;
    const QJsonValue value = m_params.value(name);
    if (!value.isString())
        return std::unexpected(invalid(name, QStringLiteral("params.%1 must be a string").arg(name)));
    return value.toString();
}

std::expected<QStringList, ManagementError> Params::strings(const QString &name) const
{
    if (!has(name))
        return QStringList();
    const QJsonValue value = m_params.value(name);
    if (!value.isArray())
        return std::unexpected(invalid(name, QStringLiteral("params.%1 must be a list of strings").arg(name)));
    QStringList list;
    for (const QJsonValue &item : value.toArray()) {
        if (!item.isString())
            return std::unexpected(invalid(name, QStringLiteral("params.%1 must be a list of strings").arg(name)));
        list.append(item.toString());
    }
    return list;
}

std::expected<qint64, ManagementError> Params::integer(const QString &name, qint64 fallback, qint64 minimum,
                                                       qint64 maximum) const
{
    if (!has(name))
        return fallback;
    const auto number = wholeNumber(m_params.value(name), minimum, maximum);
    if (!number)
        return std::unexpected(invalid(name, QStringLiteral("params.%1 must be a whole number from %2 to %3")
                                                 .arg(name).arg(minimum).arg(maximum)));
    return *number;
}

std::optional<qint64> Params::wholeNumber(const QJsonValue &value, qint64 minimum, qint64 maximum)
{
    // Range first: converting a double outside qint64's range is undefined. double(maximum)
    // rounds qint64's maximum up to 2^63, which is outside, so the bound is checked as
    // "below 2^63" before the cast and against `maximum` after it.
    if (!value.isDouble())
        return std::nullopt;
    const double number = value.toDouble();
    constexpr double kTwoTo63 = 9223372036854775808.0;
    if (!std::isfinite(number) || number < -kTwoTo63 || number >= kTwoTo63 || std::trunc(number) != number)
        return std::nullopt;
    const auto whole = qint64(number);
    if (whole < minimum || whole > maximum)
        return std::nullopt;
    return whole;
}

std::expected<QList<qint64>, ManagementError> Params::integers(const QString &name, qint64 minimum, qint64 maximum) const
{
    QList<qint64> list;
    if (!has(name))
        return list;
    const QJsonValue value = m_params.value(name);
    const auto wrong = [&] {
        return std::unexpected(invalid(name, QStringLiteral("params.%1 must be a list of whole numbers from %2 to %3")
                                                 .arg(name).arg(minimum).arg(maximum)));
    };
    if (!value.isArray())
        return wrong();
    for (const QJsonValue &item : value.toArray()) {
        const auto number = wholeNumber(item, minimum, maximum);
        if (!number)
            return wrong();
        list.append(*number);
    }
    return list;
}

std::expected<bool, ManagementError> Params::boolean(const QString &name, bool fallback) const
{
    if (!has(name))
        return fallback;
    const QJsonValue value = m_params.value(name);
    if (!value.isBool())
        return std::unexpected(invalid(name, QStringLiteral("params.%1 must be true or false").arg(name)));
    return value.toBool();
}

std::expected<QJsonObject, ManagementError> Params::object(const QString &name) const
{
    const QJsonValue value = m_params.value(name);
    if (!value.isObject())
        return std::unexpected(invalid(name, QStringLiteral("params.%1 must be an object").arg(name)));
    return value.toObject();
}

std::expected<QByteArray, ManagementError> Params::bytes(const QString &name) const
{
    const QJsonValue value = m_params.value(name);
    const auto decoded = QByteArray::fromBase64Encoding(value.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!value.isString() || value.toString().isEmpty() || !decoded)
        return std::unexpected(invalid(name, QStringLiteral("params.%1 must be base64").arg(name)));
    return decoded.decoded;
}

} // namespace Postern::Management
