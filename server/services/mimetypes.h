#pragma once

// Content-Type for a file name: the service's <mime-mapping>s first, then built-in defaults.

#include <QByteArray>
#include <QMap>
#include <QString>

namespace Postern::Services::MimeTypes {

QByteArray forFile(const QString &fileName, const QMap<QString, QString> &overrides);

} // namespace Postern::Services::MimeTypes
