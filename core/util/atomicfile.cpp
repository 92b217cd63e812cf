#include "util/atomicfile.h"

#include "util/filereader.h"

#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <utility>

namespace Postern::Util::AtomicFile {

namespace {

QString systemError(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

// Closes a descriptor when it goes out of scope (which also releases its flock).
class Descriptor
{
public:
    explicit Descriptor(int fd = -1) : m_fd(fd) {}
    ~Descriptor() { reset(); }
    Q_DISABLE_COPY_MOVE(Descriptor)
    int get() const { return m_fd; }
    int release() { return std::exchange(m_fd, -1); }
    void reset(int fd = -1)
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = fd;
    }

private:
    int m_fd;
};

bool sameFile(int fd, const QByteArray &path)
{
    struct stat opened = {}, named = {};
    return ::fstat(fd, &opened) == 0 && ::lstat(path.constData(), &named) == 0 && opened.st_dev == named.st_dev
        && opened.st_ino == named.st_ino;
}

// The file a path finally names when it is a symbolic link (a link to a link is followed).
QString finalPath(const QString &path)
{
    QFileInfo info(path);
    for (int depth = 0; depth < 40 && info.isSymLink(); ++depth)
        info.setFile(info.symLinkTarget());
    return info.isSymLink() ? path : info.absoluteFilePath();
}

// Creates the temporary file exclusively and takes its lock. A temporary file that exists
// already belongs to a writer that is still at work (its lock is held: wait for it) or to one
// that died (nobody holds its lock: it is removed).
std::expected<int, QString> createLocked(const QString &finalName, const QByteArray &temporary, mode_t mode)
{
    for (int attempt = 0; attempt < 1000; ++attempt) {
        Descriptor fd(::open(temporary.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
        if (fd.get() >= 0) {
            while (::flock(fd.get(), LOCK_EX) != 0)
                if (errno != EINTR)
                    return std::unexpected(QStringLiteral("cannot lock '%1': %2").arg(QString::fromLocal8Bit(temporary), systemError(errno)));
            // Between open() and flock() a writer could have taken this file for a dead one's
            // and removed it: then it is no longer ours to rename.
            if (sameFile(fd.get(), temporary))
                return fd.release();
            continue;
        }
        if (errno != EEXIST)
            return std::unexpected(QStringLiteral("cannot write '%1': %2").arg(finalName, systemError(errno)));
        Descriptor other(::open(temporary.constData(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
        if (other.get() < 0) {
            if (errno == ENOENT)
                continue; // renamed or removed meanwhile
            return std::unexpected(QStringLiteral("cannot write '%1': '%2' is in the way: %3")
                                       .arg(finalName, QString::fromLocal8Bit(temporary), systemError(errno)));
        }
        if (::flock(other.get(), LOCK_EX | LOCK_NB) == 0) {
            // Nobody holds it: left by a writer that died. Remove it if it is still the one
            // at that name (we hold its lock, so no live writer can be about to rename it).
            if (sameFile(other.get(), temporary))
                ::unlink(temporary.constData());
            continue;
        }
        // A live writer: wait until it is done, then try again.
        while (::flock(other.get(), LOCK_EX) != 0 && errno == EINTR) {
        }
    }
    return std::unexpected(QStringLiteral("cannot write '%1': its temporary file '%2' stays busy")
                               .arg(finalName, QString::fromLocal8Bit(temporary)));
}

std::expected<void, QString> replace(const QString &path, const QByteArray &contents, bool ownerOnly)
{
    const QString target = finalPath(path);
    const QFileInfo info(target);
    const QByteArray targetName = QFile::encodeName(target);
    const QByteArray temporary = QFile::encodeName(temporaryPath(target));
    struct stat existing = {};
    const bool exists = ::stat(targetName.constData(), &existing) == 0;
    // Created with the final mode, so a secret is never readable by others, not even empty.
    const mode_t mode = ownerOnly ? 0600 : 0666;
    auto fd = createLocked(path, temporary, mode);
    if (!fd)
        return std::unexpected(fd.error());
    Descriptor file(*fd);
    auto fail = [&](const QString &what) {
        const int error = errno;
        ::unlink(temporary.constData()); // still ours: we hold its lock
        return std::unexpected(QStringLiteral("cannot %1 '%2': %3").arg(what, path, systemError(error)));
    };
    // Like QSaveFile, a replaced file keeps its mode (without group or other rights for a secret).
    if (exists && ::fchmod(file.get(), ownerOnly ? (existing.st_mode & 0700) | 0600 : existing.st_mode & 07777) != 0)
        return fail(QStringLiteral("set the mode of"));
    for (qsizetype done = 0; done < contents.size();) {
        const ssize_t written = ::write(file.get(), contents.constData() + done, size_t(contents.size() - done));
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return fail(QStringLiteral("write"));
        done += written;
    }
    // The data is on disk before the name points to it: after a power loss the file is the
    // old one or the new one, never a new name with missing data.
    if (::fsync(file.get()) != 0)
        return fail(QStringLiteral("write"));
    if (::rename(temporary.constData(), targetName.constData()) != 0)
        return fail(QStringLiteral("replace"));
    // The rename itself is made durable by syncing the directory: without it, a change the
    // gateway reported as saved could revert to the old file after a power loss.
    const QByteArray directory = QFile::encodeName(info.absolutePath());
    if (Descriptor dir(::open(directory.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)); dir.get() >= 0)
        ::fsync(dir.get()); // best effort: some file systems cannot sync a directory
    return {};
}

} // namespace

QString temporaryPath(const QString &path)
{
    return path + QStringLiteral(".postern-tmp");
}

std::expected<void, QString> write(const QString &path, const QByteArray &contents, bool ownerOnly, Backup backup)
{
    if (QFileInfo(finalPath(path)).isDir())
        return std::unexpected(QStringLiteral("cannot write '%1': it is a directory").arg(path));
    if (backup == Backup::Keep && QFileInfo::exists(path)) {
        // The backup is written anew, atomically too (a copy would copy a loose mode, and a
        // kill in the middle would leave half a backup).
        const QString backupPath = path + QStringLiteral(".bak");
        auto previous = FileReader::read(path, FileReader::kConfigurationLimit, QStringLiteral("file"));
        if (!previous)
            return std::unexpected(QStringLiteral("cannot read '%1' to keep a backup: %2").arg(path, previous.error()));
        if (const auto kept = replace(backupPath, *previous, ownerOnly); !kept)
            return std::unexpected(QStringLiteral("cannot keep a backup of '%1' as '%2': %3").arg(path, backupPath, kept.error()));
    }
    return replace(path, contents, ownerOnly);
}

} // namespace Postern::Util::AtomicFile
