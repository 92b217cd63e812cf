#include "util/atomicfile.h"

#include "util/scopedumask.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <optional>

namespace Postern::Util::AtomicFile {

std::expected<void, QString> write(const QString &path, const QByteArray &contents, bool ownerOnly, Backup backup)
{
    std::optional<ScopedUmask> umask;
    if (ownerOnly)
        umask.emplace(0077);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return std::unexpected(QStringLiteral("cannot write '%1': %2").arg(path, file.errorString()));
    // QSaveFile gives the new file the old one's mode; a secret's file is owner-only whatever
    // the old one was (set before a byte is written).
    if (ownerOnly && !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return std::unexpected(QStringLiteral("cannot make '%1' owner-only").arg(path));
    if (file.write(contents) != contents.size())
        return std::unexpected(QStringLiteral("cannot write '%1': %2").arg(path, file.errorString()));
    if (backup == Backup::Keep && QFileInfo::exists(path)) {
        // The backup is written anew (not copied, which would copy a loose mode too).
        const QString backupPath = path + QStringLiteral(".bak");
        QFile previous(path);
        if (!previous.open(QIODevice::ReadOnly))
            return std::unexpected(QStringLiteral("cannot read '%1' to keep a backup").arg(path));
        QFile::remove(backupPath);
        QFile copy(backupPath);
        if (!copy.open(QIODevice::WriteOnly) || copy.write(previous.readAll()) < 0 || !copy.flush())
            return std::unexpected(QStringLiteral("cannot keep a backup of '%1' as '%2'").arg(path, backupPath));
    }
    if (!file.commit())
        return std::unexpected(QStringLiteral("cannot replace '%1': %2").arg(path, file.errorString()));
    return {};
}

} // namespace Postern::Util::AtomicFile
