#include "auth/sessionrevocations.h"

namespace Postern::Auth {

SessionRevocations::SessionRevocations(qsizetype capacity) : m_capacity(qMax<qsizetype>(1, capacity))
{
}

qsizetype SessionRevocations::revoke(const QByteArray &identity, const QDateTime &expires, const QDateTime &now,
                                     bool announce)
{
    if (announce && m_listener)
        m_listener(identity, expires);
    const qint64 nowMs = now.toMSecsSinceEpoch();
    const qint64 expiresMs = expires.toMSecsSinceEpoch();
    const QMutexLocker lock(&m_mutex);
    prune(nowMs);
    if (expiresMs <= nowMs)
        return 0; // refused as expired anyway
    if (const auto known = m_expiryOf.constFind(identity); known != m_expiryOf.cend()) {
        if (*known >= expiresMs)
            return 0;
        // Keep the later expiry (the same cookie cannot have two, but be safe).
        auto range = m_byExpiry.equal_range(*known);
        for (auto it = range.first; it != range.second; ++it) {
            if (it->second == identity) {
                drop(it);
                break;
            }
        }
    }
    qsizetype evicted = 0;
    while (m_expiryOf.size() >= m_capacity && !m_byExpiry.empty()) {
        drop(m_byExpiry.begin());
        ++evicted;
    }
    m_expiryOf.insert(identity, expiresMs);
    m_byExpiry.emplace(expiresMs, identity);
    return evicted;
}

bool SessionRevocations::isRevoked(const QByteArray &identity, const QDateTime &now) const
{
    const QMutexLocker lock(&m_mutex);
    const auto found = m_expiryOf.constFind(identity);
    return found != m_expiryOf.cend() && *found > now.toMSecsSinceEpoch();
}

void SessionRevocations::prune(qint64 nowMs)
{
    while (!m_byExpiry.empty() && m_byExpiry.begin()->first <= nowMs)
        drop(m_byExpiry.begin());
}

void SessionRevocations::drop(std::multimap<qint64, QByteArray>::iterator it)
{
    m_expiryOf.remove(it->second);
    m_byExpiry.erase(it);
}

} // namespace Postern::Auth
