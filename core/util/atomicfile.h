#pragma once

// Writes a file atomically, keeping the previous version as "<file>.bak" unless told not to.
// With `ownerOnly`, the new file (and its backup) is 0600 from its first byte.
//
// Every state file Postern writes (gateway-config.xml, users files, keystores, the password
// files beside them) goes through here, so that a crash or kill -9 at any moment leaves the
// old file or the new one, never a torn or missing one:
//   1. the new contents go to "<file>.postern-tmp" in the same directory, created exclusively
//      and held under an exclusive flock() (so two writers of one file take turns);
//   2. that file is fsync()ed, then rename()d over the file (atomic on POSIX);
//   3. the directory is fsync()ed, so a change reported as saved survives a power loss too.
// A writer killed before the rename leaves its "<file>.postern-tmp" behind: there is at most
// one per file, the next write recognises it as stale (nobody holds its lock), removes it and
// starts afresh, so leftovers never pile up and never break the next write.
//
// A symbolic link is followed: the file it points to is replaced (like QSaveFile).

#include <QByteArray>
#include <QString>

#include <expected>

namespace Postern::Util::AtomicFile {

enum class Backup { Keep, None };

std::expected<void, QString> write(const QString &path, const QByteArray &contents, bool ownerOnly,
                                   Backup backup = Backup::Keep);

// The name of the temporary file a write of `path` uses (for tests and documentation).
QString temporaryPath(const QString &path);

} // namespace Postern::Util::AtomicFile
