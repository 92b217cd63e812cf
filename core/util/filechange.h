#pragma once

// A change to a file the gateway uses (a keystore, a users file, the configuration) that can
// be undone until it is kept: the new contents replace the file atomically, the gateway
// tries them, and then either keep() makes the old contents the file's ".bak" or undo()
// puts them back, atomically too. The backup is only touched by keep(): a change the
// gateway could not use leaves the previous good backup as it was.

#include <QByteArray>
#include <QString>

#include <expected>

namespace Postern::Util {

class FileChange
{
public:
    // Remembers what `path` holds now (nothing when it does not exist), reading at most
    // `limit` bytes. `ownerOnly`: every file written is 0600 from its first byte.
    static std::expected<FileChange, QString> begin(const QString &path, qint64 limit, bool ownerOnly);

    // Replaces the file with `contents`.
    std::expected<void, QString> write(const QByteArray &contents);
    // The old contents become "<file>.bak" (when there were any).
    std::expected<void, QString> keep();
    // The old contents go back in place (a file that did not exist is removed).
    std::expected<void, QString> undo();

    const QByteArray &previous() const { return m_previous; }

private:
    QString m_path;
    QByteArray m_previous;
    bool m_existed = false;
    bool m_ownerOnly = false;
};

} // namespace Postern::Util
