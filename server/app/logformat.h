#pragma once

// posternd's one message handler: "2026-11-22T10:00:00.123Z INFO  postern.frontdoor: text"
// on standard error, one line per message.

#include <QMap>
#include <QString>

namespace Postern { class LogRing; }

namespace Postern::App {

void installLogHandler(bool verbose);
// The lowest level logged per category ("postern" for all of them; "debug", "info",
// "warning", "error"), on top of the defaults (info, or debug with --verbose). Replaces the
// levels set before: called at start and on every reload of the configuration.
void setLogLevels(const QMap<QString, QString> &levels);
// The levels set now (by the configuration, or by the management API since).
QMap<QString, QString> logLevels();
// The filter rules setLogLevels() installs (for tests).
QString logFilterRules(const QMap<QString, QString> &levels, bool verbose);
// Lines logged from now on are also kept in `ring` (null: no longer).
void setLogRing(LogRing *ring);

// The message with line breaks made spaces and other control characters written as \xNN.
QString escapeForLog(const QString &message);

} // namespace Postern::App
