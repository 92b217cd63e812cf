#pragma once

// One event of the gateway's log in a form log shippers can parse: an event name, then
// key=value fields in a fixed order (logfmt):
//   session-end id=7 service=echo client=127.0.0.1:40312 ending="client closed with 1000" ...
//   refused client=127.0.0.1:40314 listener=localhost:8000 service=echo status=401 reason="no credentials"
// A value made only of letters, digits and . _ : / @ + - [ ] % , is written as it is; any
// other (spaces, quotes, non-ASCII, empty) is put in double quotes with \" and \\ escaped.
// Control characters are escaped by the log handler (escapeForLog). Fields with no value
// are left out by addIfSet(). docs/operations.md documents every event and field.

#include <QString>

namespace Postern {

class LogLine
{
public:
    explicit LogLine(const QString &event) : m_text(event) {}

    LogLine &add(const QString &key, const QString &value);
    LogLine &add(const QString &key, qint64 value);
    LogLine &addIfSet(const QString &key, const QString &value) { return value.isEmpty() ? *this : add(key, value); }

    const QString &text() const { return m_text; }

    static QString quoted(const QString &value);

private:
    QString m_text;
};

} // namespace Postern
