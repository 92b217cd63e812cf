#pragma once

// Slows down password guessing: more than `maximumFailures` failed logins from one client
// address, or for one user name, within `window` blocks further attempts (even correct
// ones, which would otherwise confirm a guess) until the window has passed.

#include <QDateTime>
#include <QHash>
#include <QMutex>
#include <QString>

#include <chrono>

namespace Postern::Auth {

class LoginThrottle
{
public:
    LoginThrottle(int maximumFailures, std::chrono::milliseconds window);

    // Seconds until `address` and `user` may try again; 0 when they may now.
    qint64 retryAfter(const QString &address, const QString &user, const QDateTime &now) const;
    // Counts a failed login. True when it is the one that starts a block (log it once).
    bool recordFailure(const QString &address, const QString &user, const QDateTime &now);

    int maximumFailures() const { return m_maximumFailures; }

private:
    struct Count
    {
        QDateTime windowStart;
        int failures = 0;
    };
    qint64 blockedFor(const QHash<QString, Count> &counts, const QString &key, const QDateTime &now) const;
    bool count(QHash<QString, Count> &counts, const QString &key, const QDateTime &now);
    void prune(QHash<QString, Count> &counts, const QDateTime &now);

    int m_maximumFailures;
    std::chrono::milliseconds m_window;
    mutable QMutex m_mutex; // the gateway's worker threads log in through one throttle
    QHash<QString, Count> m_byAddress;
    QHash<QString, Count> m_byUser;
};

} // namespace Postern::Auth
