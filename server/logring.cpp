#include "logring.h"

namespace Postern {

namespace {

QString levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg: return QStringLiteral("debug");
    case QtInfoMsg: return QStringLiteral("info");
    case QtWarningMsg: return QStringLiteral("warning");
    case QtCriticalMsg: return QStringLiteral("error");
    case QtFatalMsg: return QStringLiteral("fatal");
    }
    return QStringLiteral("info");
}

} // namespace

LogRing::LogRing(qsizetype capacity, QObject *parent) : QObject(parent), m_capacity(capacity)
{
    qRegisterMetaType<Postern::LogRing::Line>();
}

int LogRing::levelRank(const QString &level)
{
    static const QStringList ranks = {QStringLiteral("debug"), QStringLiteral("info"), QStringLiteral("warning"),
                                      QStringLiteral("error"), QStringLiteral("fatal")};
    return int(ranks.indexOf(level));
}

void LogRing::append(QtMsgType type, const QString &category, const QString &message)
{
    Line line;
    line.time = QDateTime::currentDateTimeUtc();
    line.level = levelName(type);
    line.category = category;
    line.message = message;
    {
        const QMutexLocker lock(&m_mutex);
        line.sequence = m_next++;
        m_lines.append(line);
        if (m_lines.size() > m_capacity)
            m_lines.remove(0, m_lines.size() - m_capacity);
    }
    // Queued even within the thread: a handler of this signal may log, and must not re-enter.
    QMetaObject::invokeMethod(this, [this, line] { Q_EMIT lineAdded(line); }, Qt::QueuedConnection);
}

QList<LogRing::Line> LogRing::last(qsizetype count, const QString &minimumLevel) const
{
    const int minimum = qMax(0, levelRank(minimumLevel));
    const QMutexLocker lock(&m_mutex);
    QList<Line> lines;
    for (auto it = m_lines.crbegin(); it != m_lines.crend() && lines.size() < count; ++it)
        if (levelRank(it->level) >= minimum)
            lines.prepend(*it);
    return lines;
}

} // namespace Postern
