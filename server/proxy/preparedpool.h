#pragma once

// connect.strategy prepared: keeps prepared.connection.count transports to the back-end
// connected (TCP, and TLS for ssl/wss) ahead of clients. A client takes one; the pool
// replaces it at once, and replaces those the back-end closes while they wait. While the
// back-end cannot be reached, the pool tries again with a growing delay (1 s doubling to
// 30 s) and says so in the log once per outage, not once per try.

#include "proxy/backendconnector.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QTimer>

namespace Postern::Proxy {

class PreparedPool final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreparedPool)

public:
    PreparedPool(QString serviceName, BackendTargetPtr target, int count, QObject *parent = nullptr);
    ~PreparedPool() override;

    // A connector whose transport is ready, now the caller's; null when none is.
    BackendConnector *take();
    int readyCount() const;

private:
    void fill();
    void onReady(BackendConnector *connector);
    void onFailed(BackendConnector *connector, const QString &reason);
    void drop(BackendConnector *connector);

    QString m_serviceName;
    BackendTargetPtr m_target;
    int m_count;
    QList<BackendConnector *> m_connectors; // connecting or ready
    QHash<BackendConnector *, QElapsedTimer> m_readyAt;
    QTimer m_retry;
    std::chrono::milliseconds m_delay{0};
    bool m_outage = false; // a failure has been logged and no connection has worked since
};

} // namespace Postern::Proxy
