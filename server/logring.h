#pragma once

// The last lines the gateway logged, kept in memory for the management API (logs.tail and
// the live tail). Lines may be appended from any thread; lineAdded() reaches the ring's
// thread through a queued connection.

#include <QDateTime>
#include <QList>
#include <QMutex>
#include <QObject>

namespace Postern {

class LogRing final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogRing)

public:
    struct Line
    {
        quint64 sequence = 0;
        QDateTime time;
        QString level;    // "debug", "info", "warning", "error", "fatal"
        QString category; // "postern.proxy"
        QString message;  // escaped to one line
    };

    explicit LogRing(qsizetype capacity = 2000, QObject *parent = nullptr);

    void append(QtMsgType type, const QString &category, const QString &message);
    // The last `count` lines at `minimumLevel` or above, oldest first.
    QList<Line> last(qsizetype count, const QString &minimumLevel = QStringLiteral("debug")) const;

    // "debug" < "info" < "warning" < "error" < "fatal"; -1 for anything else.
    static int levelRank(const QString &level);

Q_SIGNALS:
    void lineAdded(const Postern::LogRing::Line &line);

private:
    mutable QMutex m_mutex;
    QList<Line> m_lines;
    qsizetype m_capacity;
    quint64 m_next = 1;
};

} // namespace Postern

Q_DECLARE_METATYPE(Postern::LogRing::Line)
