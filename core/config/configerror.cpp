#include "config/configerror.h"

namespace Postern::Config {

QString ConfigError::toString() const
{
    QString text = file.isEmpty() ? QStringLiteral("<config>") : file;
    if (where.line > 0)
        text += u':' + QString::number(where.line) + u':' + QString::number(where.column);
    return text + u": " + message;
}

} // namespace Postern::Config
