#include "proxy/preparedpool.h"

#include "logging.h"

namespace Postern::Proxy {

namespace {
constexpr std::chrono::milliseconds kFirstRetry{1000};
constexpr std::chrono::milliseconds kLongestRetry{30'000};
// A prepared connection the back-end closes sooner than this after accepting it counts as a failure.
constexpr std::chrono::milliseconds kShortLived{1000};
} // namespace

PreparedPool::PreparedPool(QString serviceName, BackendTargetPtr target, int count, QObject *parent)
    : QObject(parent), m_serviceName(std::move(serviceName)), m_target(std::move(target)), m_count(count)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &PreparedPool::fill);
    fill();
}

PreparedPool::~PreparedPool() = default;

int PreparedPool::readyCount() const
{
    return int(std::count_if(m_connectors.cbegin(), m_connectors.cend(),
                             [](const BackendConnector *connector) { return connector->isTransportReady(); }));
}

BackendConnector *PreparedPool::take()
{
    for (BackendConnector *connector : std::as_const(m_connectors)) {
        if (!connector->isTransportReady())
            continue;
        m_connectors.removeOne(connector);
        m_readyAt.remove(connector);
        disconnect(connector, nullptr, this, nullptr);
        connector->setParent(nullptr);
        if (!m_retry.isActive())
            fill();
        return connector;
    }
    return nullptr;
}

void PreparedPool::fill()
{
    while (m_connectors.size() < m_count && !m_retry.isActive()) {
        auto *connector = new BackendConnector(m_target, this);
        m_connectors.append(connector);
        connect(connector, &BackendConnector::transportReady, this, [this, connector] { onReady(connector); });
        connect(connector, &BackendConnector::failed, this,
                [this, connector](int, const QString &reason) { onFailed(connector, reason); });
        connect(connector, &BackendConnector::lost, this, [this, connector] {
            // A connection the back-end drops at once is a back-end that does not serve: wait
            // as after a failure, instead of reconnecting as fast as it hangs up.
            if (m_readyAt.value(connector).elapsed() < kShortLived.count()) {
                onFailed(connector, QStringLiteral("back-end %1 closed a prepared connection right after accepting it")
                                        .arg(m_target->url));
                return;
            }
            drop(connector);
            if (!m_retry.isActive())
                fill();
        });
        connector->connectTransport();
    }
}

void PreparedPool::onReady(BackendConnector *connector)
{
    m_readyAt[connector].start();
    m_delay = std::chrono::milliseconds(0);
    if (m_outage)
        qCInfo(lcProxy).noquote() << QStringLiteral("service '%1': back-end %2 reachable again; prepared connections ready")
                                         .arg(m_serviceName, m_target->url);
    m_outage = false;
}

void PreparedPool::onFailed(BackendConnector *connector, const QString &reason)
{
    drop(connector);
    if (!m_outage)
        qCWarning(lcProxy).noquote() << QStringLiteral("service '%1': cannot prepare connections: %2; trying again "
                                                       "with a growing delay").arg(m_serviceName, reason);
    m_outage = true;
    m_delay = m_delay.count() == 0 ? kFirstRetry : std::min(m_delay * 2, kLongestRetry);
    if (!m_retry.isActive())
        m_retry.start(m_delay);
}

void PreparedPool::drop(BackendConnector *connector)
{
    m_connectors.removeOne(connector);
    m_readyAt.remove(connector);
    connector->deleteLater();
}

} // namespace Postern::Proxy
