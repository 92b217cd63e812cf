#include "app/logformat.h"

#include <QDateTime>
#include <QLoggingCategory>

#include <cstdio>

namespace Postern::App {

namespace {

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
    QString text = message;
    text.replace(u'\n', u' '); // one event, one line: log shippers split on newlines
    const QByteArray line = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toUtf8() + ' ' + level + ' '
        + (context.category ? context.category : "default") + ": " + text.toUtf8() + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
}

} // namespace

void installLogHandler(bool verbose)
{
    qInstallMessageHandler(handleMessage);
    QLoggingCategory::setFilterRules(verbose ? QStringLiteral("postern.*.debug=true")
                                             : QStringLiteral("postern.*.debug=false\nqt.*.debug=false"));
}

} // namespace Postern::App
