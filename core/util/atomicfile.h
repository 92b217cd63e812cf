#pragma once

// Writes a file atomically (write a new file, then rename over the old one), keeping the
// previous version as "<file>.bak" unless told not to. With `ownerOnly`, the new file is
// created 0600.

#include <QByteArray>
#include <QString>

#include <expected>

namespace Postern::Util::AtomicFile {

enum class Backup { Keep, None };

std::expected<void, QString> write(const QString &path, const QByteArray &contents, bool ownerOnly,
                                   Backup backup = Backup::Keep);

} // namespace Postern::Util::AtomicFile
