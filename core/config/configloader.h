#pragma once

// Reads gateway-config.xml (KAAZING Gateway's element names) into a validated GatewayConfig.
// Every problem found is returned, each with file, line and column; nothing is ignored.

#include "config/configerror.h"
#include "config/gatewayconfig.h"

#include <QByteArray>
#include <QString>

#include <expected>

namespace Postern::Config {

class ConfigLoader final
{
public:
    static std::expected<GatewayConfig, ConfigErrors> loadFile(const QString &path);

    // `fileName` names the document in messages; relative paths in it (web roots, keystore)
    // are resolved against the folder of `fileName`.
    static std::expected<GatewayConfig, ConfigErrors> loadData(const QByteArray &xml,
                                                               const QString &fileName);

    // The namespaces a root element may carry (none is also accepted).
    static QStringList supportedNamespaces();
};

} // namespace Postern::Config
