#pragma once

// Reads a whole file the gateway was told about (a configuration, a keystore, a users file),
// never more than a limit: a path may name something far larger than it should be
// (/proc/self/pagemap passes QFileInfo::isFile() and claims 256 GiB), and a management
// request must not be able to exhaust memory with it. The error names the file and what
// it was for.

#include <QByteArray>
#include <QString>

#include <expected>

namespace Postern::Util::FileReader {

// The limits for the kinds of file Postern reads whole.
constexpr qint64 kConfigurationLimit = 16 * 1024 * 1024;
constexpr qint64 kKeystoreLimit = 8 * 1024 * 1024;
constexpr qint64 kUsersFileLimit = 16 * 1024 * 1024;

// `what` names the file for a person: "keystore", "users file".
std::expected<QByteArray, QString> read(const QString &path, qint64 limit, const QString &what);

} // namespace Postern::Util::FileReader
