#include "util/filereader.h"

#include <QFile>

namespace Postern::Util::FileReader {

std::expected<QByteArray, QString> read(const QString &path, qint64 limit, const QString &what)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::unexpected(QStringLiteral("cannot read %1 '%2': %3").arg(what, path, file.errorString()));
    // One byte more than allowed tells a file that is too large from one that fits exactly.
    QByteArray data = file.read(limit + 1);
    if (file.error() != QFileDevice::NoError)
        return std::unexpected(QStringLiteral("cannot read %1 '%2': %3").arg(what, path, file.errorString()));
    if (data.size() > limit)
        return std::unexpected(QStringLiteral("%1 '%2' is larger than %3 MiB").arg(what, path).arg(limit / (1024 * 1024)));
    return data;
}

} // namespace Postern::Util::FileReader
