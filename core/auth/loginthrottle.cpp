#include "auth/loginthrottle.h"

namespace Postern::Auth {

namespace {
constexpr qsizetype kPruneAbove = 10'000; // entries kept per map before expired ones are dropped
}

LoginThrottle::LoginThrottle(int maximumFailures, std::chrono::milliseconds window)
    : m_maximumFailures(maximumFailures), m_window(window)
{
}

qint64 LoginThrottle::blockedFor(const QHash<QString, Count> &counts, const QString &key, const QDateTime &now) const
{
    const auto it = counts.constFind(key);
    if (it == counts.cend() || it->failures < m_maximumFailures)
        return 0;
    const qint64 left = now.msecsTo(it->windowStart.addMSecs(m_window.count()));
    return left > 0 ? (left + 999) / 1000 : 0;
}

qint64 LoginThrottle::retryAfter(const QString &address, const QString &user, const QDateTime &now) const
{
    const QMutexLocker lock(&m_mutex);
    return qMax(blockedFor(m_byAddress, address, now), user.isEmpty() ? 0 : blockedFor(m_byUser, user, now));
}

bool LoginThrottle::count(QHash<QString, Count> &counts, const QString &key, const QDateTime &now)
{
    Count &entry = counts[key];
    if (!entry.windowStart.isValid() || entry.windowStart.addMSecs(m_window.count()) <= now)
        entry = Count{now, 0};
    ++entry.failures;
    return entry.failures == m_maximumFailures;
}

void LoginThrottle::prune(QHash<QString, Count> &counts, const QDateTime &now)
{
    if (counts.size() <= kPruneAbove)
        return;
    counts.removeIf([&](const auto &entry) { return entry.value().windowStart.addMSecs(m_window.count()) <= now; });
}

bool LoginThrottle::recordFailure(const QString &address, const QString &user, const QDateTime &now)
{
    const QMutexLocker lock(&m_mutex);
    prune(m_byAddress, now);
    prune(m_byUser, now);
    const bool addressBlocked = count(m_byAddress, address, now);
    const bool userBlocked = !user.isEmpty() && count(m_byUser, user, now);
    return addressBlocked || userBlocked;
}

} // namespace Postern::Auth
