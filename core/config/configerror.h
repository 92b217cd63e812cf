#pragma once

// One problem found in a configuration file, with the place it was found.

#include "config/sourcelocation.h"

#include <QList>
#include <QString>

namespace Postern::Config {

struct ConfigError
{
    QString file;
    SourceLocation where;
    QString message;

    // "file:line:column: message", the form compilers use, so editors can jump to it.
    QString toString() const;
};

using ConfigErrors = QList<ConfigError>;

} // namespace Postern::Config
