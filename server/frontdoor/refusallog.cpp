#include "frontdoor/refusallog.h"

#include "logging.h"

#include <QThread>

namespace Postern::Frontdoor {

RefusalLog::RefusalLog(QObject *parent) : QObject(parent)
{
    m_timer.setInterval(kInterval);
    connect(&m_timer, &QTimer::timeout, this, &RefusalLog::flush);
}

void RefusalLog::refused(const QString &key, const QString &first, const QString &summary)
{
    if (QThread::currentThread() != thread()) {
        // A worker thread's refusal: counted in the log's own thread, where its timer runs.
        QMetaObject::invokeMethod(this, [this, key, first, summary] { refused(key, first, summary); }, Qt::QueuedConnection);
        return;
    }
    auto it = m_entries.find(key);
    if (it == m_entries.end()) {
        qCWarning(lcFrontdoor).noquote() << first;
        m_entries.insert(key, Entry{summary, 0});
        if (!m_timer.isActive())
            m_timer.start();
        return;
    }
    it->summary = summary;
    ++it->count;
}

void RefusalLog::flush()
{
    // A kind with nothing refused in a whole interval is forgotten: its next refusal is
    // logged at once again. So at most one line per kind and interval, and the map holds
    // only kinds that are refusing now.
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        if (it->count == 0) {
            it = m_entries.erase(it);
            continue;
        }
        qCWarning(lcFrontdoor).noquote() << QString(it->summary)
                                             .replace(QStringLiteral("{count}"), QString::number(it->count))
                                             .replace(QStringLiteral("{seconds}"), QString::number(qint64(kInterval.count())));
        it->count = 0;
        ++it;
    }
    if (m_entries.isEmpty())
        m_timer.stop();
}

} // namespace Postern::Frontdoor
