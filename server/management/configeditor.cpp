#include "management/configeditor.h"

#include "config/configloader.h"
#include "logging.h"
#include "management/protocol.h"
#include "util/filechange.h"
#include "util/filereader.h"

#include <QFile>

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
    const auto edited = edit(*document);
    if (!edited)
        return std::unexpected(edited.error());
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

QList<QJsonObject> ConfigEditor::validate(const QByteArray &text) const
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
    if (const auto checked = m_gateway->checkConfig(*config); !checked)
        for (const QString &message : checked.error())
            errors.append({{QStringLiteral("message"), message}});
    return errors;
}

} // namespace Postern::Management
