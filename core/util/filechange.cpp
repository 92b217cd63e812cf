#include "util/filechange.h"

#include "util/atomicfile.h"
#include "util/filereader.h"

#include <QFile>
#include <QFileInfo>

namespace Postern::Util {

std::expected<FileChange, QString> FileChange::begin(const QString &path, qint64 limit, bool ownerOnly)
{
    FileChange change;
    change.m_path = path;
    change.m_ownerOnly = ownerOnly;
    change.m_existed = QFileInfo::exists(path);
    if (change.m_existed) {
        auto previous = FileReader::read(path, limit, QStringLiteral("file"));
        if (!previous)
            return std::unexpected(previous.error());
        change.m_previous = std::move(*previous);
    }
    return change;
}

std::expected<void, QString> FileChange::write(const QByteArray &contents)
{
    return AtomicFile::write(m_path, contents, m_ownerOnly, AtomicFile::Backup::None);
}

std::expected<void, QString> FileChange::keep()
{
    if (!m_existed)
        return {};
    return AtomicFile::write(m_path + QStringLiteral(".bak"), m_previous, m_ownerOnly, AtomicFile::Backup::None);
}

std::expected<void, QString> FileChange::undo()
{
    if (!m_existed) {
        if (QFile::exists(m_path) && !QFile::remove(m_path))
            return std::unexpected(QStringLiteral("cannot remove '%1'").arg(m_path));
        return {};
    }
    return AtomicFile::write(m_path, m_previous, m_ownerOnly, AtomicFile::Backup::None);
}

} // namespace Postern::Util
