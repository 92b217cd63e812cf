#pragma once

// Logs refusals that come in floods (connection limits, descriptor exhaustion, session
// limits) once per interval instead of once per connection: the first refusal of a kind is
// logged at once, and what follows within the interval is summed into one line at its end.
// A flood cannot fill the log, and an operator still sees it start, go on and stop.
// refused() may be called from any thread; it is handled in the log's own, where its timer runs.

#include <QHash>
#include <QObject>
#include <QTimer>

#include <chrono>

namespace Postern::Frontdoor {

class RefusalLog final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RefusalLog)

public:
    static constexpr std::chrono::seconds kInterval{10};

    explicit RefusalLog(QObject *parent = nullptr);

    // One refusal of the kind `key` (one line per key and interval). `first` is logged when it
    // is the first in its interval; `summary` is logged at the end of an interval that had more,
    // with "{count}" replaced by their number and "{seconds}" by the interval's length.
    void refused(const QString &key, const QString &first, const QString &summary);

private:
    void flush();

    struct Entry
    {
        QString summary;
        qint64 count = 0; // since the last line
    };
    QHash<QString, Entry> m_entries;
    QTimer m_timer;
};

} // namespace Postern::Frontdoor
