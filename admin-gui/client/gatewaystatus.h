#pragma once

// The gateway at a glance, for the dashboard: gateway.info while
// connected (every 2 s: one small request), and a history of the last ten minutes of sessions open and throughput (bytes a
// second each way, from the difference between two readings of the totals).

#include "managementclient.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QTimer>

namespace Postern::Admin {

class GatewayStatus final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GatewayStatus)

public:
    struct Sample
    {
        QDateTime time;
        double sessions = 0;
        double bytesInPerSecond = 0;
        double bytesOutPerSecond = 0;
        double messagesInPerSecond = 0;
        double messagesOutPerSecond = 0;
    };
    static constexpr int kHistorySeconds = 600;

    explicit GatewayStatus(ManagementClient *client, QObject *parent = nullptr);

    // The last gateway.info result (empty before the first).
    const QJsonObject &info() const { return m_info; }
    const QList<Sample> &history() const { return m_history; }
    void setInterval(std::chrono::milliseconds interval) { m_timer.setInterval(interval); }

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void updated();
    void failed(const QString &message);

private:
    void onInfo(const QJsonObject &info);

    ManagementClient *m_client;
    QTimer m_timer;
    QJsonObject m_info;
    QList<Sample> m_history;
    QJsonObject m_previousTotals;
    QDateTime m_previousTime;
};

} // namespace Postern::Admin
