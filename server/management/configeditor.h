#pragma once

// Changes gateway-config.xml for the management API, safely: the change names the revision
// it was made against (a file changed since is refused, so two consoles cannot overwrite each
// other); the edited text is validated exactly as the loader validates a file, with the
// error's line told back as a field where it falls in the edited service; it is applied to
// the running gateway (new addresses listen, removed ones stop, sessions stay); and only then
// written, atomically, with one backup. A failure at any step leaves file and gateway as
// they were.

#include "config/configdocument.h"
#include "management/gatewaycontrol.h"
#include "management/managementerror.h"

#include <QHash>
#include <QJsonObject>

#include <expected>
#include <functional>
#include <optional>

namespace Postern::Management {

class ConfigEditor
{
public:
    explicit ConfigEditor(GatewayControl *gateway) : m_gateway(gateway) {}

    // The file as it is on disk now.
    std::expected<QByteArray, ManagementError> currentText() const;

    struct Edited
    {
        QString serviceName;       // the service the edit wrote, if any: for error fields
        QHash<int, QString> fields; // its 0-based lines -> fields (ServiceDefinition::Xml)
        // The services the edit may change, add or remove (by name): any other difference
        // in the text refuses it.
        QStringList touched;
    };
    // `edit` changes the document (and says which service it wrote). The result is the new
    // revision.
    std::expected<QString, ManagementError> change(const QString &baseRevision,
                                                   const std::function<std::expected<Edited, ManagementError>(Config::ConfigDocument &)> &edit);

    // Loads `text` as the file would be and runs the gateway's checks, applying nothing.
    // The errors, each with line and column when the loader gave them.
    std::expected<QList<QJsonObject>, ManagementError> validate(const QByteArray &text) const;
    // Applies a configuration loaded from the file as it is (config.reload).
    std::expected<void, ManagementError> apply(const Config::GatewayConfig &config);

private:
    // An error asking for the host names `config` needs resolved first, if any.
    std::optional<ManagementError> unresolved(const Config::GatewayConfig &config) const;

    GatewayControl *m_gateway;
};

} // namespace Postern::Management
