#include "management/params.h"

#include "management/protocol.h"

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
    const QJsonValue value = m_params.value(name);
    const double number = value.toDouble(-1e300);
    if (!value.isDouble() || number != double(qint64(number)) || number < double(minimum) || number > double(maximum))
        return std::unexpected(invalid(name, QStringLiteral("params.%1 must be a whole number from %2 to %3")
                                                 .arg(name).arg(minimum).arg(maximum)));
    return qint64(number);
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
