#include "util/atomicfile.h"

#include "util/scopedumask.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <optional>

namespace Postern::Util::AtomicFile {

std::expected<void, QString> write(const QString &path, const QByteArray &contents, bool ownerOnly)
{
    std::optional<ScopedUmask> umask;
    if (ownerOnly)
        umask.emplace(0077);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return std::unexpected(QStringLiteral("cannot write '%1': %2").arg(path, file.errorString()));
    if (file.write(contents) != contents.size())
        return std::unexpected(QStringLiteral("cannot write '%1': %2").arg(path, file.errorString()));
    if (QFileInfo::exists(path)) {
        const QString backup = path + QStringLiteral(".bak");
        QFile::remove(backup);
        if (!QFile::copy(path, backup))
            return std::unexpected(QStringLiteral("cannot keep a backup of '%1' as '%2'").arg(path, backup));
    }
    if (!file.commit())
        return std::unexpected(QStringLiteral("cannot replace '%1': %2").arg(path, file.errorString()));
    return {};
}

} // namespace Postern::Util::AtomicFile
