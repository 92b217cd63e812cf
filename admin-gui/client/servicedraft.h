#pragma once

// A service definition being edited in the console: the service as the gateway had it (at
// the configuration revision it was read at) and as the user has made it so far. It builds
// the JSON that services.create / services.update take, lists what will change in words a
// person reads before applying ("Accept option ws.maximum.message.size: 128k → 256k"), and
// catches what the JSON could not even carry (an option given twice) before the gateway is
// asked. Everything else is the gateway's to judge: its errors name the field
// (ServiceField), and the form shows them there.
//
// A copyable value: the form keeps one, the page hands copies to the ServiceEditor.

#include "management/managementerror.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>

namespace Postern::Admin {

class ServiceDraft final
{
public:
    // Name → text rows: properties, options, MIME mappings (extension → type). A list, not a
    // map, so that what the user typed twice is still there to be pointed at.
    using Pairs = QList<std::pair<QString, QString>>;

    ServiceDraft() = default;

    // A new service of `type`, to be created.
    static ServiceDraft newService(const QString &type = QStringLiteral("echo"));
    // An existing service (a services.list row: its `state` is ignored), read at `revision`.
    static ServiceDraft edit(const QJsonObject &definition, const QString &revision);
    // A new service that starts as a copy of `definition`: its name and its accept paths get
    // "-copy" (a second service cannot answer on the same URL), avoiding `takenNames`.
    static ServiceDraft cloneOf(const QJsonObject &definition, const QStringList &takenNames);

    bool isNew() const { return m_original.isEmpty(); }
    // Whether applying would change anything (a new service always would).
    bool isModified() const { return isNew() || service() != m_original; }
    // The name the service has in the file now (empty for a new one): services.update's `name`.
    QString originalName() const { return m_original.value(u"name").toString(); }
    // The revision the original was read at: an update names it, so that a change someone
    // else made meanwhile is refused (conflict) rather than silently undone.
    const QString &baseRevision() const { return m_revision; }
    void setBaseRevision(const QString &revision) { m_revision = revision; }
    // The definition as read (normalised like service()); empty for a new one.
    const QJsonObject &original() const { return m_original; }

    // The definition as edited, as the management API takes it: empty texts and lists left
    // out, values trimmed.
    QJsonObject service() const;
    // What applying would change, one line each: "Field: old → new", "(none)" for nothing.
    QStringList changes() const;
    // What cannot be sent as it is (no name, no accept URL, a name given twice in a table),
    // as the gateway would say it: a message and the `field` it is about.
    std::optional<Management::ManagementError> problem() const;

    const QString &name() const { return m_name; }
    void setName(const QString &name) { m_name = name; }
    const QString &description() const { return m_description; }
    void setDescription(const QString &description) { m_description = description; }
    const QString &type() const { return m_type; }
    void setType(const QString &type) { m_type = type; }
    bool isEnabled() const { return m_enabled; }
    void setEnabled(bool enabled) { m_enabled = enabled; }
    const QStringList &accept() const { return m_accept; }
    void setAccept(const QStringList &urls) { m_accept = urls; }
    const QString &connect() const { return m_connect; }
    void setConnect(const QString &url) { m_connect = url; }
    const QString &realm() const { return m_realm; }
    void setRealm(const QString &realm) { m_realm = realm; }
    const QStringList &requiredRoles() const { return m_roles; }
    void setRequiredRoles(const QStringList &roles) { m_roles = roles; }
    bool requiresValidUser() const { return m_requireValidUser; }
    void setRequireValidUser(bool required) { m_requireValidUser = required; }
    // The origins of the cross-site constraints, in order.
    QStringList allowedOrigins() const;
    // Keeps the methods, headers and maximum age of the constraints whose origin stays.
    void setAllowedOrigins(const QStringList &origins);
    const Pairs &properties() const { return m_properties; }
    void setProperties(const Pairs &properties) { m_properties = properties; }
    const Pairs &acceptOptions() const { return m_acceptOptions; }
    void setAcceptOptions(const Pairs &options) { m_acceptOptions = options; }
    const Pairs &connectOptions() const { return m_connectOptions; }
    void setConnectOptions(const Pairs &options) { m_connectOptions = options; }
    const Pairs &mimeMappings() const { return m_mimeMappings; }
    void setMimeMappings(const Pairs &mappings) { m_mimeMappings = mappings; }

private:
    void read(const QJsonObject &definition);

    QJsonObject m_original;
    QString m_revision;
    QString m_name;
    QString m_description;
    QString m_type;
    bool m_enabled = true;
    QStringList m_accept;
    QString m_connect;
    QString m_realm;
    QStringList m_roles;
    bool m_requireValidUser = false;
    QJsonArray m_crossSite; // the whole constraints: the form edits only their origins
    Pairs m_properties;
    Pairs m_acceptOptions;
    Pairs m_connectOptions;
    Pairs m_mimeMappings;
};

} // namespace Postern::Admin
