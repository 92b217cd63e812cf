#include "servicedraft.h"

#include "management/protocol.h"

#include <QCoreApplication>
#include <QSet>

namespace Postern::Admin {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Postern::Admin::ServiceDraft", text);
}

QStringList trimmed(const QStringList &list)
{
    QStringList result;
    for (const QString &item : list)
        if (const QString text = item.trimmed(); !text.isEmpty())
            result.append(text);
    return result;
}

ServiceDraft::Pairs pairsOf(const QJsonObject &object)
{
    ServiceDraft::Pairs pairs;
    for (auto it = object.constBegin(); it != object.constEnd(); ++it)
        pairs.append({it.key(), it.value().toString()});
    return pairs;
}

// The rows that say something, trimmed; a name given twice keeps its last value, as the
// gateway's loader would (problem() refuses it before it gets that far).
QJsonObject objectOf(const ServiceDraft::Pairs &pairs)
{
    QJsonObject object;
    for (const auto &[name, value] : pairs)
        if (!name.trimmed().isEmpty())
            object.insert(name.trimmed(), value.trimmed());
    return object;
}

QString shown(const QString &value)
{
    return value.isEmpty() ? tr("(none)") : value;
}

QString line(const QString &label, const QString &before, const QString &after)
{
    return QStringLiteral("%1: %2 → %3").arg(label, shown(before), shown(after));
}

void compareText(QStringList &lines, const QString &label, const QString &before, const QString &after)
{
    if (before != after)
        lines.append(line(label, before, after));
}

// One line per item gone or come; the whole list when only the order changed (the first
// accept URL decides the origin a service calls its own, so order can matter).
void compareList(QStringList &lines, const QString &one, const QString &all, const QStringList &before, const QStringList &after)
{
    bool changed = false;
    for (const QString &item : before)
        if (!after.contains(item))
            lines.append(line(one, item, {})), changed = true;
    for (const QString &item : after)
        if (!before.contains(item))
            lines.append(line(one, {}, item)), changed = true;
    if (!changed && before != after)
        lines.append(line(all, before.join(QStringLiteral(", ")), after.join(QStringLiteral(", "))));
}

void compareObject(QStringList &lines, const QString &one, const QJsonObject &before, const QJsonObject &after)
{
    for (auto it = before.constBegin(); it != before.constEnd(); ++it)
        if (after.value(it.key()) != it.value())
            lines.append(line(one.arg(it.key()), it.value().toString(), after.value(it.key()).toString()));
    for (auto it = after.constBegin(); it != after.constEnd(); ++it)
        if (!before.contains(it.key()))
            lines.append(line(one.arg(it.key()), {}, it.value().toString()));
}

QString yesNo(bool value)
{
    return value ? tr("yes") : tr("no");
}

// "ws://h:8000/echo" → "ws://h:8000/echo-copy", "http://h:8000/" → "http://h:8000/copy". On
// the text, not through QUrl, so that ${property} references stay as written.
QString copiedUrl(QString url)
{
    const qsizetype scheme = url.indexOf(QStringLiteral("://"));
    if (scheme < 0)
        return url;
    while (url.endsWith(u'/'))
        url.chop(1);
    const bool hasPath = url.indexOf(u'/', scheme + 3) >= 0;
    return url + (hasPath ? QStringLiteral("-copy") : QStringLiteral("/copy"));
}

Management::ManagementError localProblem(const QString &field, const QString &message)
{
    return {Management::ErrorCode::InvalidParams, message, QStringLiteral("service.") + field};
}

std::optional<Management::ManagementError> pairsProblem(const ServiceDraft::Pairs &pairs, const QString &member,
                                                        const QString &what)
{
    QSet<QString> seen;
    for (const auto &[rawName, value] : pairs) {
        const QString name = rawName.trimmed();
        if (name.isEmpty()) {
            if (!value.trimmed().isEmpty())
                return localProblem(member, tr("%1 '%2' has no name: give it one, or remove the row.").arg(what, value.trimmed()));
            continue;
        }
        if (seen.contains(name))
            return localProblem(member + u'.' + name, tr("%1 '%2' is given twice: keep one of them.").arg(what, name));
        seen.insert(name);
    }
    return std::nullopt;
}

} // namespace

ServiceDraft ServiceDraft::newService(const QString &type)
{
    ServiceDraft draft;
    draft.m_type = type;
    return draft;
}

ServiceDraft ServiceDraft::edit(const QJsonObject &definition, const QString &revision)
{
    ServiceDraft draft;
    draft.read(definition);
    draft.m_original = draft.service();
    draft.m_revision = revision;
    return draft;
}

ServiceDraft ServiceDraft::cloneOf(const QJsonObject &definition, const QStringList &takenNames)
{
    ServiceDraft draft;
    draft.read(definition);
    const QString base = draft.m_name + QStringLiteral("-copy");
    QString name = base;
    for (int n = 2; takenNames.contains(name); ++n)
        name = base + u'-' + QString::number(n);
    draft.m_name = name;
    for (QString &url : draft.m_accept)
        url = copiedUrl(url);
    return draft;
}

void ServiceDraft::read(const QJsonObject &definition)
{
    m_name = definition.value(u"name").toString();
    m_description = definition.value(u"description").toString();
    m_type = definition.value(u"type").toString();
    m_enabled = definition.value(u"enabled").toBool(true);
    m_accept = definition.value(u"accept").toVariant().toStringList();
    m_connect = definition.value(u"connect").toString();
    m_realm = definition.value(u"realm").toString();
    const QJsonObject authorization = definition.value(u"authorization").toObject();
    m_roles = authorization.value(u"requireRoles").toVariant().toStringList();
    m_requireValidUser = authorization.value(u"requireValidUser").toBool();
    m_crossSite = definition.value(u"crossSite").toArray();
    m_properties = pairsOf(definition.value(u"properties").toObject());
    m_acceptOptions = pairsOf(definition.value(u"acceptOptions").toObject());
    m_connectOptions = pairsOf(definition.value(u"connectOptions").toObject());
    m_mimeMappings.clear();
    for (const QJsonValue &mapping : definition.value(u"mimeMappings").toArray())
        m_mimeMappings.append({mapping.toObject().value(u"extension").toString(), mapping.toObject().value(u"mimeType").toString()});
}

QStringList ServiceDraft::allowedOrigins() const
{
    QStringList origins;
    for (const QJsonValue &constraint : m_crossSite)
        origins.append(constraint.toObject().value(u"allowOrigin").toString());
    return origins;
}

void ServiceDraft::setAllowedOrigins(const QStringList &origins)
{
    QJsonArray kept = m_crossSite;
    QJsonArray constraints;
    for (const QString &origin : trimmed(origins)) {
        QJsonObject constraint{{QStringLiteral("allowOrigin"), origin}};
        for (qsizetype i = 0; i < kept.size(); ++i)
            if (kept.at(i).toObject().value(u"allowOrigin").toString() == origin) {
                constraint = kept.at(i).toObject();
                kept.removeAt(i);
                break;
            }
        constraints.append(constraint);
    }
    m_crossSite = constraints;
}

QJsonObject ServiceDraft::service() const
{
    QJsonObject service{{QStringLiteral("name"), m_name.trimmed()},
                        {QStringLiteral("type"), m_type.trimmed()},
                        {QStringLiteral("enabled"), m_enabled},
                        {QStringLiteral("accept"), QJsonArray::fromStringList(trimmed(m_accept))}};
    const auto text = [&service](const QString &member, const QString &value) {
        if (!value.trimmed().isEmpty())
            service.insert(member, value.trimmed());
    };
    const auto block = [&service](const QString &member, const Pairs &pairs) {
        if (const QJsonObject object = objectOf(pairs); !object.isEmpty())
            service.insert(member, object);
    };
    text(QStringLiteral("description"), m_description);
    text(QStringLiteral("connect"), m_connect);
    text(QStringLiteral("realm"), m_realm);
    block(QStringLiteral("properties"), m_properties);
    block(QStringLiteral("acceptOptions"), m_acceptOptions);
    block(QStringLiteral("connectOptions"), m_connectOptions);
    const QStringList roles = trimmed(m_roles);
    if (!roles.isEmpty() || m_requireValidUser)
        service.insert(QStringLiteral("authorization"),
                       QJsonObject{{QStringLiteral("requireRoles"), QJsonArray::fromStringList(roles)},
                                   {QStringLiteral("requireValidUser"), m_requireValidUser}});
    QJsonArray crossSite;
    for (const QJsonValue &value : m_crossSite) {
        QJsonObject constraint;
        const QJsonObject raw = value.toObject();
        for (auto it = raw.constBegin(); it != raw.constEnd(); ++it)
            if (!it.value().toString().trimmed().isEmpty())
                constraint.insert(it.key(), it.value().toString().trimmed());
        if (!constraint.isEmpty())
            crossSite.append(constraint);
    }
    if (!crossSite.isEmpty())
        service.insert(QStringLiteral("crossSite"), crossSite);
    QJsonArray mappings;
    for (const auto &[extension, mimeType] : m_mimeMappings)
        if (!extension.trimmed().isEmpty() || !mimeType.trimmed().isEmpty())
            mappings.append(QJsonObject{{QStringLiteral("extension"), extension.trimmed()},
                                        {QStringLiteral("mimeType"), mimeType.trimmed()}});
    if (!mappings.isEmpty())
        service.insert(QStringLiteral("mimeMappings"), mappings);
    return service;
}

QStringList ServiceDraft::changes() const
{
    // Both sides normalised the same way, so only what the user changed shows.
    const ServiceDraft before = isNew() ? ServiceDraft() : edit(m_original, m_revision);
    const QJsonObject old = before.service();
    const QJsonObject now = service();
    QStringList lines;
    compareText(lines, tr("Name"), old.value(u"name").toString(), now.value(u"name").toString());
    compareText(lines, tr("Description"), old.value(u"description").toString(), now.value(u"description").toString());
    compareText(lines, tr("Type"), old.value(u"type").toString(), now.value(u"type").toString());
    if (!isNew() || !m_enabled)
        compareText(lines, tr("Enabled"), yesNo(before.m_enabled), yesNo(m_enabled));
    compareList(lines, tr("Accept URL"), tr("Accept URLs"), trimmed(before.m_accept), trimmed(m_accept));
    compareText(lines, tr("Connect URL"), old.value(u"connect").toString(), now.value(u"connect").toString());
    compareText(lines, tr("Realm"), old.value(u"realm").toString(), now.value(u"realm").toString());
    compareList(lines, tr("Required role"), tr("Required roles"), trimmed(before.m_roles), trimmed(m_roles));
    if (before.m_requireValidUser != m_requireValidUser)
        lines.append(line(tr("Any logged-in user"), yesNo(before.m_requireValidUser), yesNo(m_requireValidUser)));
    compareList(lines, tr("Allowed origin"), tr("Allowed origins"), before.allowedOrigins(), trimmed(allowedOrigins()));
    if (old.value(u"crossSite") != now.value(u"crossSite") && before.allowedOrigins() == trimmed(allowedOrigins()))
        lines.append(tr("Cross-site constraints: their methods, headers or maximum age"));
    compareObject(lines, tr("Property %1"), old.value(u"properties").toObject(), now.value(u"properties").toObject());
    compareObject(lines, tr("Accept option %1"), old.value(u"acceptOptions").toObject(), now.value(u"acceptOptions").toObject());
    compareObject(lines, tr("Connect option %1"), old.value(u"connectOptions").toObject(), now.value(u"connectOptions").toObject());
    const auto mappings = [](const QJsonObject &service) {
        QJsonObject byExtension;
        for (const QJsonValue &mapping : service.value(u"mimeMappings").toArray())
            byExtension.insert(mapping.toObject().value(u"extension").toString(), mapping.toObject().value(u"mimeType"));
        return byExtension;
    };
    compareObject(lines, tr("MIME mapping %1"), mappings(old), mappings(now));
    return lines;
}

std::optional<Management::ManagementError> ServiceDraft::problem() const
{
    if (m_name.trimmed().isEmpty())
        return localProblem(QStringLiteral("name"), tr("Give the service a name."));
    if (m_type.trimmed().isEmpty())
        return localProblem(QStringLiteral("type"), tr("Choose the type of service."));
    if (trimmed(m_accept).isEmpty())
        return localProblem(QStringLiteral("accept"),
                            tr("Give at least one accept URL: where the service answers, such as wss://gateway.example.com:9000/chat."));
    if (auto problem = pairsProblem(m_properties, QStringLiteral("properties"), tr("Property")))
        return problem;
    if (auto problem = pairsProblem(m_acceptOptions, QStringLiteral("acceptOptions"), tr("Accept option")))
        return problem;
    if (auto problem = pairsProblem(m_connectOptions, QStringLiteral("connectOptions"), tr("Connect option")))
        return problem;
    for (qsizetype i = 0; i < m_mimeMappings.size(); ++i) {
        const auto &[extension, mimeType] = m_mimeMappings.at(i);
        if (extension.trimmed().isEmpty() != mimeType.trimmed().isEmpty())
            return localProblem(QStringLiteral("mimeMappings[%1]").arg(i),
                                tr("A MIME mapping needs both an extension (md) and a type (text/markdown)."));
    }
    return std::nullopt;
}

} // namespace Postern::Admin
