#pragma once

// Parsers for the value forms KAAZING's configuration uses: durations ("30", "30s",
// "3 min", "500ms", "2h") and sizes ("128k", "1m", "512").

#include <QString>

#include <chrono>
#include <optional>

namespace Postern::Config::ValueParser {

// A bare number means seconds. Returns nothing for anything it cannot read exactly, and for
// more than 2^31-1 ms (about 24.8 days), the longest a timer can wait.
std::optional<std::chrono::milliseconds> parseDuration(const QString &text);

// A bare number means bytes; k, m and g (any case, optional trailing "b") are powers of 1024.
std::optional<qint64> parseSize(const QString &text);

// RFC 9110 §5.6.2 tchar and token: what a header, cookie or query parameter name may be.
bool isTokenCharacter(QChar c);
bool isHttpToken(QStringView text);

// "30s", "500ms", "3min", for messages and the writer.
QString formatDuration(std::chrono::milliseconds value);

} // namespace Postern::Config::ValueParser
