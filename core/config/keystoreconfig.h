#pragma once

// <security><keystore>: where the certificates the gateway presents are kept.

#include "config/sourcelocation.h"

#include <QString>

namespace Postern::Config {

struct KeystoreConfig
{
    QString type = QStringLiteral("PKCS12");
    QString file;          // absolute, resolved against the configuration file's folder
    QString passwordFile;  // absolute, likewise
    SourceLocation where;
};

} // namespace Postern::Config
