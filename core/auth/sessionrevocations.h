#pragma once

// The single sign-on cookies that were logged out before they expired. A cookie is a signed,
// stateless token: without this list, one copied before a logout would stay a login until it
// expires. Each entry is a cookie's identity (its "jti", else a hash of its signature) and
// when that cookie expires; it is dropped then, because the cookie is refused anyway. The
// list is bounded: past its capacity the entries that expire soonest are dropped (and those
// cookies count again), so that logouts cannot grow it without limit. It is kept in memory
// only: a restart forgets it.

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QMutex>

#include <functional>

#include <map>

namespace Postern::Auth {

class SessionRevocations
{
public:
    static constexpr qsizetype kDefaultCapacity = 100'000;

    explicit SessionRevocations(qsizetype capacity = kDefaultCapacity);

    // Told of every revocation made here (not of those other gateways announced), so that a
    // cluster can pass it on.
    using Listener = std::function<void(const QByteArray &identity, const QDateTime &expires)>;
    void setListener(Listener listener) { m_listener = std::move(listener); }

    // Records `identity` as revoked until `expires`. Returns how many other revocations had to
    // be dropped to make room (0 unless the list is full of unexpired ones: warn then).
    // `announce`: false for a revocation another gateway of the cluster made.
    qsizetype revoke(const QByteArray &identity, const QDateTime &expires, const QDateTime &now, bool announce = true);
    bool isRevoked(const QByteArray &identity, const QDateTime &now) const;

    qsizetype size() const
    {
        const QMutexLocker lock(&m_mutex);
        return m_expiryOf.size();
    }
    qsizetype capacity() const { return m_capacity; }

private:
    void prune(qint64 nowMs);
    void drop(std::multimap<qint64, QByteArray>::iterator it);

    mutable QMutex m_mutex; // worker threads check cookies while a logout revokes one
    qsizetype m_capacity;
    Listener m_listener;
    QHash<QByteArray, qint64> m_expiryOf;            // identity → expiry, ms since the epoch
    std::multimap<qint64, QByteArray> m_byExpiry;    // the same, soonest first, for pruning
};

} // namespace Postern::Auth
