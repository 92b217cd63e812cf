#include "gatewaystatus.h"

namespace Postern::Admin {

GatewayStatus::GatewayStatus(ManagementClient *client, QObject *parent) : QObject(parent), m_client(client)
{
    m_timer.setInterval(2000);
    connect(&m_timer, &QTimer::timeout, this, &GatewayStatus::refresh);
    connect(client, &ManagementClient::connected, this, [this] {
        m_previousTotals = {};
        refresh();
        m_timer.start();
    });
    connect(client, &ManagementClient::stateChanged, this, [this](ManagementClient::State state) {
        if (state != ManagementClient::State::Connected)
            m_timer.stop();
    });
    if (client->isConnected()) {
        refresh();
        m_timer.start();
    }
}

void GatewayStatus::refresh()
{
    if (!m_client->isConnected())
        return;
    m_client->gatewayInfo()->onFinished(this, [this](const ManagementReply &reply) {
        if (reply.isError())
            Q_EMIT failed(reply.error().message);
        else
            onInfo(reply.result());
    });
}

void GatewayStatus::onInfo(const QJsonObject &info)
{
    m_info = info;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QJsonObject totals = info.value(u"totals").toObject();
    Sample sample{now, totals.value(u"sessionsOpen").toDouble()};
    if (!m_previousTotals.isEmpty() && m_previousTime.isValid()) {
        const double seconds = std::max(0.001, double(m_previousTime.msecsTo(now)) / 1000.0);
        // Totals count ended sessions too, so they only grow; a restarted gateway starts over.
        const auto rate = [&](const char *key) {
            const double delta = totals.value(QLatin1String(key)).toDouble() - m_previousTotals.value(QLatin1String(key)).toDouble();
            return delta < 0 ? 0.0 : delta / seconds;
        };
        sample.bytesInPerSecond = rate("bytesIn");
        sample.bytesOutPerSecond = rate("bytesOut");
        sample.messagesInPerSecond = rate("messagesIn");
        sample.messagesOutPerSecond = rate("messagesOut");
    }
    m_previousTotals = totals;
    m_previousTime = now;
    m_history.append(sample);
    while (!m_history.isEmpty() && m_history.first().time.secsTo(now) > kHistorySeconds)
        m_history.removeFirst();
    Q_EMIT updated();
}

} // namespace Postern::Admin
