#include "app/logformat.h"

#include "logring.h"

#include <QDateTime>
#include <QLoggingCategory>

#include <cstdio>

namespace Postern::App {

namespace {

LogRing *g_ring = nullptr; // where the management API reads the log (set by the daemon)

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

void installLogHandler(bool verbose)
{
    qInstallMessageHandler(handleMessage);
    QLoggingCategory::setFilterRules(verbose ? QStringLiteral("postern.*.debug=true")
                                             : QStringLiteral("postern.*.debug=false\nqt.*.debug=false"));
}

} // namespace Postern::App
