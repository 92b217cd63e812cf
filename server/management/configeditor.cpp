#include "management/configeditor.h"

#include "config/configloader.h"
#include "logging.h"
#include "management/protocol.h"
#include "util/filechange.h"
#include "util/filereader.h"

#include <QFile>

#include <algorithm>

namespace Postern::Management {

std::expected<QByteArray, ManagementError> ConfigEditor::currentText() const
{
    const QString path = m_gateway->runningConfig().sourceFile;
    auto text = Util::FileReader::read(path, Util::FileReader::kConfigurationLimit, QStringLiteral("configuration"));
    if (!text)
        return std::unexpected(ManagementError{ErrorCode::Failed, text.error(), {}});
    return std::move(*text);
}

std::expected<QString, ManagementError> ConfigEditor::change(
    const QString &baseRevision, const std::function<std::expected<Edited, ManagementError>(Config::ConfigDocument &)> &edit)
{
    const QString path = m_gateway->runningConfig().sourceFile;
    const auto text = currentText();
    if (!text)
        return std::unexpected(text.error());
    const QString current = Config::ConfigDocument::revisionOf(*text);
    if (baseRevision != current)
        return std::unexpected(ManagementError{ErrorCode::Conflict,
                                               QStringLiteral("the configuration has changed since revision %1 (it is at %2 "
                                                              "now): read it again and redo the change")
                                                   .arg(baseRevision, current),
                                               QStringLiteral("params.revision")});
    auto document = Config::ConfigDocument::fromText(*text);
    if (!document)
        return std::unexpected(ManagementError{ErrorCode::Failed, QStringLiteral("%1: %2").arg(path, document.error()), {}});
    const Config::ConfigDocument original = *document;
    const auto edited = edit(*document);
    if (!edited)
        return std::unexpected(edited.error());
    // An edit changes its own services and nothing else: whatever a value smuggled in (markup
    // in a name, another service) is caught here if it got past the checks before.
    const bool once = std::all_of(edited->touched.cbegin(), edited->touched.cend(), [&](const QString &name) {
        return std::count_if(document->services().cbegin(), document->services().cend(),
                             [&](const auto &service) { return service.name == name; }) <= 1;
    });
    if (!once || original.skeletonWithout(edited->touched) != document->skeletonWithout(edited->touched))
        return std::unexpected(ManagementError{ErrorCode::InvalidParams,
                                               QStringLiteral("the change would alter more of the file than service '%1'")
                                                   .arg(edited->touched.join(QStringLiteral("', '"))), {}});
    const QByteArray candidate = document->text();

    const auto config = Config::ConfigLoader::loadData(candidate, path);
    if (!config) {
        const Config::ConfigError &first = config.error().first();
        QString field;
        if (const auto *service = document->service(edited->serviceName); service && first.where.line > 0)
            field = edited->fields.value(first.where.line - service->line);
        QStringList messages;
        for (const auto &error : config.error())
            messages << error.message;
        return std::unexpected(ManagementError{ErrorCode::InvalidConfiguration, messages.join(QStringLiteral("; ")),
                                               field.isEmpty() ? QString() : QStringLiteral("service.") + field});
    }
    if (auto hosts = unresolved(*config))
        return std::unexpected(std::move(*hosts));
    const Config::GatewayConfig previous = m_gateway->runningConfig();
    if (const auto applied = m_gateway->applyConfig(*config); !applied)
        return std::unexpected(ManagementError{ErrorCode::InvalidConfiguration, applied.error().join(QStringLiteral("; ")), {}});
    auto fileChange = Util::FileChange::begin(path, Util::FileReader::kConfigurationLimit, false);
    const auto written = fileChange ? fileChange->write(candidate) : std::expected<void, QString>(std::unexpected(fileChange.error()));
    if (!written) {
        static_cast<void>(m_gateway->applyConfig(previous)); // back to what the file still says
        return std::unexpected(ManagementError{ErrorCode::Failed, QStringLiteral("the change was not saved: %1")
                                                                     .arg(written.error()), {}});
    }
    if (const auto kept = fileChange->keep(); !kept)
        qCWarning(lcGateway).noquote() << QStringLiteral("management: %1").arg(kept.error());
    return config->revision;
}

std::optional<ManagementError> ConfigEditor::unresolved(const Config::GatewayConfig &config) const
{
    const QStringList hosts = m_gateway->unresolvedHosts(config);
    if (hosts.isEmpty())
        return std::nullopt;
    ManagementError error{ErrorCode::Failed, QStringLiteral("host names not resolved: %1").arg(hosts.join(u", ")), {}};
    error.unresolvedHosts = hosts;
    return error;
}

std::expected<void, ManagementError> ConfigEditor::apply(const Config::GatewayConfig &config)
{
    if (auto hosts = unresolved(config))
        return std::unexpected(std::move(*hosts));
    if (const auto applied = m_gateway->applyConfig(config); !applied)
        return std::unexpected(ManagementError{ErrorCode::InvalidConfiguration, applied.error().join(QStringLiteral("; ")), {}});
    return {};
}

std::expected<QList<QJsonObject>, ManagementError> ConfigEditor::validate(const QByteArray &text) const
{
    QList<QJsonObject> errors;
    const auto config = Config::ConfigLoader::loadData(text, m_gateway->runningConfig().sourceFile);
    if (!config) {
        for (const auto &error : config.error())
            errors.append({{QStringLiteral("line"), error.where.line},
                           {QStringLiteral("column"), error.where.column},
                           {QStringLiteral("message"), error.message}});
        return errors;
    }
    if (auto hosts = unresolved(*config))
        return std::unexpected(std::move(*hosts));
    if (const auto checked = m_gateway->checkConfig(*config); !checked)
        for (const QString &message : checked.error())
            errors.append({{QStringLiteral("message"), message}});
    return errors;
}

} // namespace Postern::Management
