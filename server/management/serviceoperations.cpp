#include "management/serviceoperations.h"

#include "config/configloader.h"
#include "config/servicedefinition.h"
#include "management/protocol.h"
#include "sessions/sessionregistry.h"

#include <QJsonArray>

namespace Postern::Management {

namespace {

ManagementError notFound(const QString &name)
{
    return {ErrorCode::NotFound, QStringLiteral("there is no service '%1'").arg(name), QStringLiteral("params.name")};
}

// The element text for `service`, or an error naming the field.
std::expected<Config::ServiceDefinition::Xml, ManagementError> toXml(const QJsonObject &service, const QString &indent)
{
    auto xml = Config::ServiceDefinition::toXml(service, indent);
    if (!xml)
        return std::unexpected(ManagementError{ErrorCode::InvalidParams, xml.error().message,
                                               QStringLiteral("service.") + xml.error().field});
    return std::move(*xml);
}

} // namespace

void ServiceOperations::registerOn(OperationTable &table)
{
    table.insert(QStringLiteral("gateway.info"), {false, [this](const Params &, const Caller &) { return info(); }});
    table.insert(QStringLiteral("services.list"), {false, [this](const Params &, const Caller &) { return list(); }});
    table.insert(QStringLiteral("services.get"), {false, [this](const Params &p, const Caller &) { return get(p); }});
    table.insert(QStringLiteral("services.create"), {true, [this](const Params &p, const Caller &c) { return create(p, c); }});
    table.insert(QStringLiteral("services.update"), {true, [this](const Params &p, const Caller &c) { return update(p, c); }});
    table.insert(QStringLiteral("services.delete"), {true, [this](const Params &p, const Caller &c) { return remove(p, c); }});
    table.insert(QStringLiteral("services.enable"),
                 {true, [this](const Params &p, const Caller &c) { return setEnabled(p, c, true); }});
    table.insert(QStringLiteral("services.disable"),
                 {true, [this](const Params &p, const Caller &c) { return setEnabled(p, c, false); }});
    table.insert(QStringLiteral("config.get"), {false, [this](const Params &, const Caller &) { return configGet(); }});
    // Validating reads the files a configuration names: administrators only.
    table.insert(QStringLiteral("config.validate"),
                 {false, [this](const Params &p, const Caller &) { return configValidate(p); }, true});
    table.insert(QStringLiteral("config.reload"), {true, [this](const Params &, const Caller &c) { return configReload(c); }});
}

OperationResult ServiceOperations::info() const
{
    const Config::GatewayConfig &config = m_gateway->runningConfig();
    const auto text = m_editor.currentText();
    QJsonArray listeners;
    for (const auto &listener : m_gateway->listeners())
        listeners.append(QJsonObject{{QStringLiteral("address"), listener.address},
                                     {QStringLiteral("name"), listener.display},
                                     {QStringLiteral("services"), QJsonArray::fromStringList(listener.services)}});
    Sessions::SessionRegistry::Totals all;
    for (const auto &service : m_gateway->sessions()->totals()) {
        all.open += service.open;
        all.opened += service.opened;
        all.counters.messagesIn += service.counters.messagesIn;
        all.counters.messagesOut += service.counters.messagesOut;
        all.counters.bytesIn += service.counters.bytesIn;
        all.counters.bytesOut += service.counters.bytesOut;
    }
    const QDateTime started = m_gateway->startedAt();
    return QJsonObject{
        {QStringLiteral("version"), QStringLiteral(POSTERN_VERSION)},
        {QStringLiteral("protocol"), kProtocolVersion},
        {QStringLiteral("startedAt"), started.toString(Qt::ISODateWithMs)},
        {QStringLiteral("uptimeSeconds"), double(started.secsTo(QDateTime::currentDateTimeUtc()))},
        {QStringLiteral("configFile"), config.sourceFile},
        {QStringLiteral("revision"), config.revision},
        // Differs from revision when the file was edited since it was applied.
        {QStringLiteral("fileRevision"), text ? Config::ConfigDocument::revisionOf(*text) : QString()},
        {QStringLiteral("listeners"), listeners},
        {QStringLiteral("totals"),
         QJsonObject{{QStringLiteral("sessionsOpen"), double(all.open)},
                     {QStringLiteral("sessionsOpened"), double(all.opened)},
                     {QStringLiteral("messagesIn"), double(all.counters.messagesIn)},
                     {QStringLiteral("messagesOut"), double(all.counters.messagesOut)},
                     {QStringLiteral("bytesIn"), double(all.counters.bytesIn)},
                     {QStringLiteral("bytesOut"), double(all.counters.bytesOut)}}},
    };
}

QJsonObject ServiceOperations::serviceJson(const QJsonObject &definition) const
{
    const QString name = definition.value(u"name").toString();
    const Config::GatewayConfig &config = m_gateway->runningConfig();
    const Config::ServiceConfig *running = nullptr;
    for (const auto &service : config.services)
        if (service.name == name)
            running = &service;
    QJsonArray listening;
    for (const auto &listener : m_gateway->listeners())
        if (listener.services.contains(name))
            listening.append(listener.address);
    QJsonArray problems;
    if (!running)
        problems.append(QStringLiteral("not running: the file has changed since it was applied"));
    else if (!running->enabled)
        problems.append(QStringLiteral("disabled"));
    else if (listening.isEmpty())
        problems.append(QStringLiteral("not listening on any address"));
    const auto totals = m_gateway->sessions()->totals().value(name);
    QJsonObject service = definition;
    service.insert(QStringLiteral("state"),
                   QJsonObject{{QStringLiteral("running"), running != nullptr && running->enabled},
                               {QStringLiteral("listening"), listening},
                               {QStringLiteral("sessions"), double(totals.open)},
                               {QStringLiteral("sessionsOpened"), double(totals.opened)},
                               {QStringLiteral("problems"), problems}});
    return service;
}

OperationResult ServiceOperations::list() const
{
    const auto text = m_editor.currentText();
    if (!text)
        return std::unexpected(text.error());
    const auto document = Config::ConfigDocument::fromText(*text);
    if (!document)
        return std::unexpected(ManagementError{ErrorCode::Failed, document.error(), {}});
    QJsonArray services;
    for (const auto &element : document->services()) {
        const auto definition = Config::ServiceDefinition::fromXml(document->serviceText(element));
        if (definition)
            services.append(serviceJson(*definition));
    }
    return QJsonObject{{QStringLiteral("revision"), document->revision()}, {QStringLiteral("services"), services}};
}

OperationResult ServiceOperations::get(const Params &params) const
{
    const auto name = params.string(QStringLiteral("name"));
    if (!name)
        return std::unexpected(name.error());
    const auto all = list();
    if (!all)
        return all;
    for (const QJsonValue &service : all->toObject().value(u"services").toArray())
        if (service.toObject().value(u"name").toString() == *name)
            return QJsonObject{{QStringLiteral("revision"), all->toObject().value(u"revision")},
                               {QStringLiteral("service"), service}};
    return std::unexpected(notFound(*name));
}

OperationResult ServiceOperations::changed(const std::expected<QString, ManagementError> &revision, const QString &change,
                                           const Caller &caller)
{
    if (!revision)
        return std::unexpected(revision.error());
    if (onChanged)
        onChanged(*revision, change, caller);
    return QJsonObject{{QStringLiteral("revision"), *revision}};
}

OperationResult ServiceOperations::create(const Params &params, const Caller &caller)
{
    const auto base = params.string(QStringLiteral("revision"));
    const auto service = params.object(QStringLiteral("service"));
    if (const auto error = Params::firstError(base, service))
        return std::unexpected(*error);
    const QString name = service->value(u"name").toString();
    const auto revision = m_editor.change(*base, [&](Config::ConfigDocument &document) -> std::expected<ConfigEditor::Edited, ManagementError> {
        if (document.service(name))
            return std::unexpected(ManagementError{ErrorCode::Conflict, QStringLiteral("a service '%1' exists already").arg(name),
                                                   QStringLiteral("service.name")});
        const auto xml = toXml(*service, document.serviceIndent());
        if (!xml)
            return std::unexpected(xml.error());
        if (const auto added = document.addService(xml->text); !added)
            return std::unexpected(ManagementError{ErrorCode::InvalidParams, added.error(), QStringLiteral("service")});
        return ConfigEditor::Edited{name, xml->fields, {name}};
    });
    return changed(revision, QStringLiteral("created service '%1'").arg(name), caller);
}

OperationResult ServiceOperations::update(const Params &params, const Caller &caller)
{
    const auto base = params.string(QStringLiteral("revision"));
    const auto name = params.string(QStringLiteral("name"));
    const auto service = params.object(QStringLiteral("service"));
    if (const auto error = Params::firstError(base, name, service))
        return std::unexpected(*error);
    const QString newName = service->value(u"name").toString();
    const auto revision = m_editor.change(*base, [&](Config::ConfigDocument &document) -> std::expected<ConfigEditor::Edited, ManagementError> {
        const auto *element = document.service(*name);
        if (!element)
            return std::unexpected(notFound(*name));
        if (newName != *name && document.service(newName))
            return std::unexpected(ManagementError{ErrorCode::Conflict, QStringLiteral("a service '%1' exists already").arg(newName),
                                                   QStringLiteral("service.name")});
        const auto xml = toXml(*service, element->indent);
        if (!xml)
            return std::unexpected(xml.error());
        if (const auto replaced = document.replaceService(*name, xml->text); !replaced)
            return std::unexpected(ManagementError{ErrorCode::InvalidParams, replaced.error(), QStringLiteral("service")});
        return ConfigEditor::Edited{newName, xml->fields, {*name, newName}};
    });
    return changed(revision, QStringLiteral("updated service '%1'").arg(*name), caller);
}

OperationResult ServiceOperations::remove(const Params &params, const Caller &caller)
{
    const auto base = params.string(QStringLiteral("revision"));
    const auto name = params.string(QStringLiteral("name"));
    if (const auto error = Params::firstError(base, name))
        return std::unexpected(*error);
    const auto revision = m_editor.change(*base, [&](Config::ConfigDocument &document) -> std::expected<ConfigEditor::Edited, ManagementError> {
        if (!document.service(*name))
            return std::unexpected(notFound(*name));
        if (const auto removed = document.removeService(*name); !removed)
            return std::unexpected(ManagementError{ErrorCode::Failed, removed.error(), {}});
        return ConfigEditor::Edited{{}, {}, {*name}};
    });
    return changed(revision, QStringLiteral("deleted service '%1'").arg(*name), caller);
}

OperationResult ServiceOperations::setEnabled(const Params &params, const Caller &caller, bool enabled)
{
    const auto base = params.string(QStringLiteral("revision"));
    const auto name = params.string(QStringLiteral("name"));
    if (const auto error = Params::firstError(base, name))
        return std::unexpected(*error);
    const auto revision = m_editor.change(*base, [&](Config::ConfigDocument &document) -> std::expected<ConfigEditor::Edited, ManagementError> {
        if (!document.service(*name))
            return std::unexpected(notFound(*name));
        // Only the attribute: the element's contents (comments, repeated blocks) stay as written.
        if (const auto set = document.setServiceEnabled(*name, enabled); !set)
            return std::unexpected(ManagementError{ErrorCode::Failed, set.error(), {}});
        return ConfigEditor::Edited{*name, {}, {*name}};
    });
    return changed(revision, QStringLiteral("%1 service '%2'").arg(enabled ? u"enabled" : u"disabled", *name), caller);
}

OperationResult ServiceOperations::configGet() const
{
    const auto text = m_editor.currentText();
    if (!text)
        return std::unexpected(text.error());
    return QJsonObject{{QStringLiteral("file"), m_gateway->runningConfig().sourceFile},
                       {QStringLiteral("revision"), Config::ConfigDocument::revisionOf(*text)},
                       {QStringLiteral("text"), QString::fromUtf8(*text)}};
}

OperationResult ServiceOperations::configValidate(const Params &params) const
{
    const auto text = params.string(QStringLiteral("text"));
    if (!text)
        return std::unexpected(text.error());
    const auto errors = m_editor.validate(text->toUtf8());
    if (!errors)
        return std::unexpected(errors.error());
    QJsonArray list;
    for (const QJsonObject &error : *errors)
        list.append(error);
    return QJsonObject{{QStringLiteral("valid"), errors->isEmpty()}, {QStringLiteral("errors"), list}};
}

OperationResult ServiceOperations::configReload(const Caller &caller)
{
    const auto text = m_editor.currentText();
    if (!text)
        return std::unexpected(text.error());
    const auto config = Config::ConfigLoader::loadData(*text, m_gateway->runningConfig().sourceFile);
    if (!config) {
        QStringList messages;
        for (const auto &error : config.error())
            messages << error.toString();
        return std::unexpected(ManagementError{ErrorCode::InvalidConfiguration, messages.join(QStringLiteral("; ")), {}});
    }
    if (const auto applied = m_editor.apply(*config); !applied)
        return std::unexpected(applied.error());
    return changed(config->revision, QStringLiteral("reloaded the configuration from disk"), caller);
}

} // namespace Postern::Management
