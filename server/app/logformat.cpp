#include "app/logformat.h"

#include "logging.h"
#include "logring.h"

#include <QDateTime>
#include <QLoggingCategory>

#include <cstdio>

namespace Postern::App {

namespace {

LogRing *g_ring = nullptr; // where the management API reads the log (set by the daemon)
bool g_verbose = false;
QMap<QString, QString> g_levels; // the levels the configuration asked for

void handleMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const char *level = "INFO ";
    switch (type) {
    case QtDebugMsg: level = "DEBUG"; break;
    case QtInfoMsg: level = "INFO "; break;
    case QtWarningMsg: level = "WARN "; break;
    case QtCriticalMsg: level = "ERROR"; break;
    case QtFatalMsg: level = "FATAL"; break;
    }
    const QString text = escapeForLog(message);
    const QByteArray line = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toUtf8() + ' ' + level + ' '
        + (context.category ? context.category : "default") + ": " + text.toUtf8() + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
    if (g_ring)
        g_ring->append(type, QString::fromLatin1(context.category ? context.category : "default"), text);
}

} // namespace

QString escapeForLog(const QString &message)
{
    // One event, one line: log shippers split on newlines, and client-supplied text (a close
    // reason, a path) must not forge lines or send escape sequences to a terminal.
    QString text;
    text.reserve(message.size());
    for (const QChar c : message) {
        if (c == u'\n' || c == u'\r' || c == u'\t')
            text += u' ';
        else if (c.unicode() < 0x20 || c.unicode() == 0x7f || (c.unicode() >= 0x80 && c.unicode() < 0xa0))
            text += QStringLiteral("\\x%1").arg(uint(c.unicode()), 2, 16, QChar(u'0'));
        else
            text += c;
    }
    return text;
}

void setLogRing(LogRing *ring)
{
    g_ring = ring;
}

QString logFilterRules(const QMap<QString, QString> &levels, bool verbose)
{
    QStringList rules{verbose ? QStringLiteral("postern.*.debug=true") : QStringLiteral("postern.*.debug=false\nqt.*.debug=false")};
    const QStringList names{QStringLiteral("debug"), QStringLiteral("info"), QStringLiteral("warning"), QStringLiteral("critical")};
    auto add = [&](const QString &pattern, const QString &level) {
        // "error" is Qt's critical; a level switches on itself and what is above it.
        const qsizetype lowest = level == u"error" ? 3 : names.indexOf(level);
        if (lowest < 0)
            return;
        for (qsizetype i = 0; i < names.size(); ++i)
            rules << QStringLiteral("%1.%2=%3").arg(pattern, names[i], i >= lowest ? u"true" : u"false");
    };
    // Later rules win: "postern" (every category) first, then the categories it names.
    if (levels.contains(QStringLiteral("postern")))
        add(QStringLiteral("postern.*"), levels.value(QStringLiteral("postern")));
    for (auto it = levels.cbegin(); it != levels.cend(); ++it)
        if (it.key() != u"postern")
            add(it.key(), it.value());
    return rules.join(u'\n');
}

QMap<QString, QString> logLevels()
{
    return g_levels;
}

void setLogLevels(const QMap<QString, QString> &levels)
{
    if (levels == g_levels)
        return;
    g_levels = levels;
    QLoggingCategory::setFilterRules(logFilterRules(levels, g_verbose));
    QStringList described;
    for (auto it = levels.cbegin(); it != levels.cend(); ++it)
        described << QStringLiteral("%1=%2").arg(it.key(), it.value());
    qCInfo(lcGateway).noquote() << QStringLiteral("log levels: %1")
                                          .arg(described.isEmpty() ? QStringLiteral("the defaults") : described.join(u' '));
}

void installLogHandler(bool verbose)
{
    g_verbose = verbose;
    qInstallMessageHandler(handleMessage);
    QLoggingCategory::setFilterRules(logFilterRules(g_levels, verbose));
}

} // namespace Postern::App
