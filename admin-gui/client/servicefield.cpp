#include "servicefield.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace Postern::Admin {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Postern::Admin::ServiceField", text);
}

// "accept[1]" → ("accept", 1); "accept" → ("accept", -1).
std::pair<QString, int> splitIndex(const QString &member)
{
    static const QRegularExpression indexed(QStringLiteral("^([A-Za-z]+)\\[(\\d+)\\]$"));
    if (const auto match = indexed.match(member); match.hasMatch())
        return {match.captured(1), match.captured(2).toInt()};
    return {member, -1};
}

} // namespace

ServiceField ServiceField::fromError(const QString &field)
{
    if (field == u"params.revision")
        return {Kind::Revision, -1, {}};
    if (field == u"service" || field == u"params.name" || field == u"service.enabled")
        return {Kind::Service, -1, {}};
    if (!field.startsWith(u"service."))
        return {};
    const QString path = field.mid(8);
    // The first member, and what follows its first dot (option names have dots of their own).
    const qsizetype dot = path.indexOf(u'.');
    const QString head = dot < 0 ? path : path.left(dot);
    const QString rest = dot < 0 ? QString() : path.mid(dot + 1);
    const auto [member, index] = splitIndex(head);

    if (member == u"name")
        return {Kind::Name, -1, {}};
    if (member == u"description")
        return {Kind::Description, -1, {}};
    if (member == u"type")
        return {Kind::Type, -1, {}};
    if (member == u"accept")
        return {Kind::Accept, index, {}};
    if (member == u"connect")
        return {Kind::Connect, -1, {}};
    if (member == u"realm")
        return {Kind::Realm, -1, {}};
    if (member == u"properties")
        return {Kind::Properties, -1, rest};
    if (member == u"acceptOptions")
        return {Kind::AcceptOptions, -1, rest};
    if (member == u"connectOptions")
        return {Kind::ConnectOptions, -1, rest};
    if (member == u"crossSite")
        return {Kind::AllowedOrigins, index, {}};
    if (member == u"mimeMappings")
        return {Kind::MimeMappings, index, {}};
    if (member == u"authorization") {
        const auto [inner, roleIndex] = splitIndex(rest);
        if (inner == u"requireValidUser")
            return {Kind::RequireValidUser, -1, {}};
        return {Kind::RequiredRoles, roleIndex, {}};
    }
    return {Kind::Service, -1, {}};
}

QString ServiceField::label() const
{
    const auto numbered = [this](const QString &one, const QString &all) {
        return index < 0 ? all : one.arg(index + 1);
    };
    const auto named = [this](const QString &one, const QString &all) { return key.isEmpty() ? all : one.arg(key); };
    switch (kind) {
    case Kind::None:
    case Kind::Service: return tr("Service");
    case Kind::Revision: return tr("Configuration");
    case Kind::Name: return tr("Name");
    case Kind::Description: return tr("Description");
    case Kind::Type: return tr("Type");
    case Kind::Accept: return numbered(tr("Accept URL %1"), tr("Accept URLs"));
    case Kind::Connect: return tr("Connect URL");
    case Kind::Realm: return tr("Realm");
    case Kind::RequiredRoles: return numbered(tr("Required role %1"), tr("Required roles"));
    case Kind::RequireValidUser: return tr("Any logged-in user");
    case Kind::AllowedOrigins: return numbered(tr("Allowed origin %1"), tr("Allowed origins"));
    case Kind::Properties: return named(tr("Property %1"), tr("Properties"));
    case Kind::AcceptOptions: return named(tr("Accept option %1"), tr("Accept options"));
    case Kind::ConnectOptions: return named(tr("Connect option %1"), tr("Connect options"));
    case Kind::MimeMappings: return numbered(tr("MIME mapping %1"), tr("MIME mappings"));
    }
    return {};
}

} // namespace Postern::Admin
