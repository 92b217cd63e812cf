#include "config/servicedefinition.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QXmlStreamReader>

namespace Postern::Config {

namespace {

// The JSON members a service may have, and the option blocks' element names.
const QStringList kMembers = {QStringLiteral("name"),          QStringLiteral("description"),
                              QStringLiteral("type"),          QStringLiteral("enabled"),
                              QStringLiteral("accept"),        QStringLiteral("connect"),
                              QStringLiteral("properties"),    QStringLiteral("acceptOptions"),
                              QStringLiteral("connectOptions"), QStringLiteral("realm"),
                              QStringLiteral("authorization"), QStringLiteral("crossSite"),
                              QStringLiteral("mimeMappings")};

QString escaped(const QString &text)
{
    return text.toHtmlEscaped();
}

// Reads the text children of the current element into an object (name -> text), on top of
// what `object` holds already: a block may be repeated, and the loader merges them too.
QJsonObject readTextChildren(QXmlStreamReader &reader, QJsonObject object = {})
{
    while (reader.readNextStartElement())
        object.insert(reader.name().toString(), reader.readElementText(QXmlStreamReader::IncludeChildElements).trimmed());
    return object;
}

class Writer
{
public:
    explicit Writer(QString indent) : m_indent(std::move(indent)) {}

    void line(int depth, const QString &text, const QString &field = {})
    {
        if (!field.isEmpty())
            m_xml.fields.insert(m_line, field);
        m_xml.text += (m_line == 0 ? QString() : m_indent + QString(depth * 2, u' ')) + text + u'\n';
        ++m_line;
    }
    void element(int depth, const QString &name, const QString &value, const QString &field)
    {
        line(depth, QStringLiteral("<%1>%2</%1>").arg(name, escaped(value)), field);
    }
    ServiceDefinition::Xml finish()
    {
        m_xml.text.chop(1); // the last line break: the file's own follows the element
        return std::move(m_xml);
    }

private:
    QString m_indent;
    ServiceDefinition::Xml m_xml;
    int m_line = 0;
};

using Result = std::expected<void, ServiceDefinition::Problem>;

Result problem(const QString &field, const QString &message)
{
    return std::unexpected(ServiceDefinition::Problem{message, field});
}

// A string member, when present; `required` ones must be non-empty.
std::expected<QString, ServiceDefinition::Problem> stringMember(const QJsonObject &object, const QString &name,
                                                                 const QString &field, bool required)
{
    const QJsonValue value = object.value(name);
    if (value.isUndefined() || value.isNull()) {
        if (required)
            return std::unexpected(ServiceDefinition::Problem{QStringLiteral("%1 is required").arg(field), field});
        return QString();
    }
    if (!value.isString())
        return std::unexpected(ServiceDefinition::Problem{QStringLiteral("%1 must be a string").arg(field), field});
    if (required && value.toString().trimmed().isEmpty())
        return std::unexpected(ServiceDefinition::Problem{QStringLiteral("%1 must not be empty").arg(field), field});
    return value.toString();
}

// {"name": "text"} blocks: properties, acceptOptions, connectOptions.
Result writeTextBlock(Writer &writer, const QJsonObject &service, const QString &member, const QString &element)
{
    const QJsonValue value = service.value(member);
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isObject())
        return problem(member, QStringLiteral("%1 must be an object of names and texts").arg(member));
    const QJsonObject block = value.toObject();
    if (block.isEmpty())
        return {};
    writer.line(1, u'<' + element + u'>', member);
    for (auto it = block.constBegin(); it != block.constEnd(); ++it) {
        const QString field = member + u'.' + it.key();
        if (!it.value().isString())
            return problem(field, QStringLiteral("%1 must be a string").arg(field));
        // Option and property names are plain: anything else could carry markup into the file.
        static const QRegularExpression plainName(QStringLiteral("^[A-Za-z_][A-Za-z0-9._-]{0,127}$"));
        if (!plainName.match(it.key()).hasMatch())
            return problem(field, QStringLiteral("'%1' is not a property or option name (letters, digits, '.', '_' and '-', "
                                                 "starting with a letter or '_')").arg(it.key().left(100)));
        writer.element(2, it.key(), it.value().toString(), field);
    }
    writer.line(1, QStringLiteral("</%1>").arg(element), member);
    return {};
}

} // namespace

std::expected<QJsonObject, QString> ServiceDefinition::fromXml(const QString &element)
{
    QXmlStreamReader reader(element);
    if (!reader.readNextStartElement() || reader.name() != u"service")
        return std::unexpected(QStringLiteral("not a <service> element"));
    QJsonObject service;
    service.insert(QStringLiteral("enabled"), reader.attributes().value(QLatin1StringView("enabled")) != u"false");
    QJsonArray accepts;
    QJsonArray crossSite;
    QJsonArray mimeMappings;
    while (reader.readNextStartElement()) {
        const QString name = reader.name().toString();
        if (name == u"name" || name == u"description" || name == u"type") {
            service.insert(name, reader.readElementText().trimmed());
        } else if (name == u"accept") {
            accepts.append(reader.readElementText().trimmed());
        } else if (name == u"connect") {
            service.insert(QStringLiteral("connect"), reader.readElementText().trimmed());
        } else if (name == u"realm-name") {
            service.insert(QStringLiteral("realm"), reader.readElementText().trimmed());
        } else if (name == u"properties") {
            service.insert(QStringLiteral("properties"),
                           readTextChildren(reader, service.value(u"properties").toObject()));
        } else if (name == u"accept-options") {
            service.insert(QStringLiteral("acceptOptions"),
                           readTextChildren(reader, service.value(u"acceptOptions").toObject()));
        } else if (name == u"connect-options") {
            service.insert(QStringLiteral("connectOptions"),
                           readTextChildren(reader, service.value(u"connectOptions").toObject()));
        } else if (name == u"authorization-constraint") {
            const QJsonObject earlier = service.value(u"authorization").toObject();
            QJsonArray roles = earlier.value(u"requireRoles").toArray();
            bool validUser = earlier.value(u"requireValidUser").toBool();
            while (reader.readNextStartElement()) {
                if (reader.name() == u"require-role")
                    roles.append(reader.readElementText().trimmed());
                else if (reader.name() == u"require-valid-user")
                    validUser = true, reader.skipCurrentElement();
                else
                    reader.skipCurrentElement();
            }
            service.insert(QStringLiteral("authorization"),
                           QJsonObject{{QStringLiteral("requireRoles"), roles}, {QStringLiteral("requireValidUser"), validUser}});
        } else if (name == u"cross-site-constraint") {
            const QJsonObject raw = readTextChildren(reader);
            crossSite.append(QJsonObject{{QStringLiteral("allowOrigin"), raw.value(u"allow-origin")},
                                         {QStringLiteral("allowMethods"), raw.value(u"allow-methods")},
                                         {QStringLiteral("allowHeaders"), raw.value(u"allow-headers")},
                                         {QStringLiteral("maximumAge"), raw.value(u"maximum-age")}});
        } else if (name == u"mime-mapping") {
            const QJsonObject raw = readTextChildren(reader);
            mimeMappings.append(QJsonObject{{QStringLiteral("extension"), raw.value(u"extension")},
                                            {QStringLiteral("mimeType"), raw.value(u"mime-type")}});
        } else {
            reader.skipCurrentElement(); // the loader reports what it does not know
        }
    }
    if (reader.hasError())
        return std::unexpected(reader.errorString());
    service.insert(QStringLiteral("accept"), accepts);
    if (!crossSite.isEmpty())
        service.insert(QStringLiteral("crossSite"), crossSite);
    if (!mimeMappings.isEmpty())
        service.insert(QStringLiteral("mimeMappings"), mimeMappings);
    return service;
}

std::expected<ServiceDefinition::Xml, ServiceDefinition::Problem> ServiceDefinition::toXml(const QJsonObject &service,
                                                                                           const QString &indent)
{
    for (auto it = service.constBegin(); it != service.constEnd(); ++it)
        if (!kMembers.contains(it.key()))
            return std::unexpected(Problem{QStringLiteral("unknown member '%1' in a service").arg(it.key()), it.key()});
    Writer writer(indent);
    const QJsonValue enabled = service.value(u"enabled");
    if (!enabled.isUndefined() && !enabled.isBool())
        return std::unexpected(Problem{QStringLiteral("enabled must be true or false"), QStringLiteral("enabled")});
    writer.line(0, enabled.isBool() && !enabled.toBool() ? QStringLiteral("<service enabled=\"false\">")
                                                         : QStringLiteral("<service>"),
                QStringLiteral("enabled"));

    const auto name = stringMember(service, QStringLiteral("name"), QStringLiteral("name"), true);
    if (!name)
        return std::unexpected(name.error());
    writer.element(1, QStringLiteral("name"), *name, QStringLiteral("name"));
    const auto description = stringMember(service, QStringLiteral("description"), QStringLiteral("description"), false);
    if (!description)
        return std::unexpected(description.error());
    if (!description->isEmpty())
        writer.element(1, QStringLiteral("description"), *description, QStringLiteral("description"));

    const QJsonValue accepts = service.value(u"accept");
    if (!accepts.isArray() || accepts.toArray().isEmpty())
        return std::unexpected(Problem{QStringLiteral("accept must be a list of at least one URL"), QStringLiteral("accept")});
    for (qsizetype i = 0; i < accepts.toArray().size(); ++i) {
        const QString field = QStringLiteral("accept[%1]").arg(i);
        const QJsonValue accept = accepts.toArray().at(i);
        if (!accept.isString())
            return std::unexpected(Problem{QStringLiteral("%1 must be a string").arg(field), field});
        writer.element(1, QStringLiteral("accept"), accept.toString(), field);
    }
    const auto connect = stringMember(service, QStringLiteral("connect"), QStringLiteral("connect"), false);
    if (!connect)
        return std::unexpected(connect.error());
    if (!connect->isEmpty())
        writer.element(1, QStringLiteral("connect"), *connect, QStringLiteral("connect"));
    const auto type = stringMember(service, QStringLiteral("type"), QStringLiteral("type"), true);
    if (!type)
        return std::unexpected(type.error());
    writer.element(1, QStringLiteral("type"), *type, QStringLiteral("type"));

    if (auto block = writeTextBlock(writer, service, QStringLiteral("properties"), QStringLiteral("properties")); !block)
        return std::unexpected(block.error());
    if (auto block = writeTextBlock(writer, service, QStringLiteral("acceptOptions"), QStringLiteral("accept-options")); !block)
        return std::unexpected(block.error());
    if (auto block = writeTextBlock(writer, service, QStringLiteral("connectOptions"), QStringLiteral("connect-options")); !block)
        return std::unexpected(block.error());

    const auto realm = stringMember(service, QStringLiteral("realm"), QStringLiteral("realm"), false);
    if (!realm)
        return std::unexpected(realm.error());
    if (!realm->isEmpty())
        writer.element(1, QStringLiteral("realm-name"), *realm, QStringLiteral("realm"));

    const QJsonValue authorization = service.value(u"authorization");
    if (authorization.isObject()) {
        const QJsonObject constraint = authorization.toObject();
        const QJsonValue roles = constraint.value(u"requireRoles");
        const QJsonValue validUser = constraint.value(u"requireValidUser");
        if (!roles.isUndefined() && !roles.isArray())
            return std::unexpected(Problem{QStringLiteral("authorization.requireRoles must be a list of role names"),
                                           QStringLiteral("authorization.requireRoles")});
        if (!validUser.isUndefined() && !validUser.isBool())
            return std::unexpected(Problem{QStringLiteral("authorization.requireValidUser must be true or false"),
                                           QStringLiteral("authorization.requireValidUser")});
        if (!roles.toArray().isEmpty() || validUser.toBool()) {
            writer.line(1, QStringLiteral("<authorization-constraint>"), QStringLiteral("authorization"));
            for (qsizetype i = 0; i < roles.toArray().size(); ++i) {
                const QString field = QStringLiteral("authorization.requireRoles[%1]").arg(i);
                if (!roles.toArray().at(i).isString())
                    return std::unexpected(Problem{QStringLiteral("%1 must be a string").arg(field), field});
                writer.element(2, QStringLiteral("require-role"), roles.toArray().at(i).toString(), field);
            }
            if (validUser.toBool())
                writer.line(2, QStringLiteral("<require-valid-user/>"), QStringLiteral("authorization.requireValidUser"));
            writer.line(1, QStringLiteral("</authorization-constraint>"), QStringLiteral("authorization"));
        }
    } else if (!authorization.isUndefined() && !authorization.isNull()) {
        return std::unexpected(Problem{QStringLiteral("authorization must be an object"), QStringLiteral("authorization")});
    }

    const auto writeList = [&](const QString &member, const QString &element,
                               const QList<QPair<QString, QString>> &children) -> Result {
        const QJsonValue list = service.value(member);
        if (list.isUndefined() || list.isNull())
            return {};
        if (!list.isArray())
            return problem(member, QStringLiteral("%1 must be a list").arg(member));
        for (qsizetype i = 0; i < list.toArray().size(); ++i) {
            const QString field = QStringLiteral("%1[%2]").arg(member).arg(i);
            if (!list.toArray().at(i).isObject())
                return problem(field, QStringLiteral("%1 must be an object").arg(field));
            const QJsonObject item = list.toArray().at(i).toObject();
            writer.line(1, u'<' + element + u'>', field);
            for (const auto &[json, xml] : children) {
                const auto value = stringMember(item, json, field + u'.' + json, false);
                if (!value)
                    return std::unexpected(value.error());
                if (!value->isEmpty())
                    writer.element(2, xml, *value, field + u'.' + json);
            }
            writer.line(1, QStringLiteral("</%1>").arg(element), field);
        }
        return {};
    };
    if (auto list = writeList(QStringLiteral("mimeMappings"), QStringLiteral("mime-mapping"),
                              {{QStringLiteral("extension"), QStringLiteral("extension")},
                               {QStringLiteral("mimeType"), QStringLiteral("mime-type")}});
        !list)
        return std::unexpected(list.error());
    if (auto list = writeList(QStringLiteral("crossSite"), QStringLiteral("cross-site-constraint"),
                              {{QStringLiteral("allowOrigin"), QStringLiteral("allow-origin")},
                               {QStringLiteral("allowMethods"), QStringLiteral("allow-methods")},
                               {QStringLiteral("allowHeaders"), QStringLiteral("allow-headers")},
                               {QStringLiteral("maximumAge"), QStringLiteral("maximum-age")}});
        !list)
        return std::unexpected(list.error());
    writer.line(0, QStringLiteral("</service>"));
    return writer.finish();
}

} // namespace Postern::Config
