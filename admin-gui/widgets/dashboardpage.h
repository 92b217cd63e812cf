#pragma once

// The gateway at a glance: what runs (version, uptime, configuration revision), what it
// carries (sessions now, totals, live graphs of sessions and throughput over ten minutes),
// its services with their state, and certificates that need attention soon.

#include "page.h"

#include <QJsonArray>

class QChart;
class QChartView;
class QDateTimeAxis;
class QLabel;
class QLineSeries;
class QListWidget;
class QTableView;
class QValueAxis;

namespace Postern::Admin {

class GatewayStatus;
class ServiceModel;

class DashboardPage final : public Page
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DashboardPage)

public:
    explicit DashboardPage(ManagementClient *client, QWidget *parent = nullptr);

    GatewayStatus *status() const { return m_status; }
    ServiceModel *services() const { return m_services; }
    // The certificate warnings shown (one line each).
    QStringList certificateWarnings() const;
    // A figure shown by name: "version", "uptime", "revision", "sessions", "opened", "traffic".
    QString figure(const QString &name) const;

private:
    void showInfo();
    void loadCertificates();
    QLabel *addFigure(const QString &name, const QString &title);

    GatewayStatus *m_status;
    ServiceModel *m_services;
    QHash<QString, QLabel *> m_figures;
    QLineSeries *m_sessions;
    QLineSeries *m_bytesIn;
    QLineSeries *m_bytesOut;
    QDateTimeAxis *m_sessionTime;
    QValueAxis *m_sessionCount;
    QDateTimeAxis *m_trafficTime;
    QValueAxis *m_trafficRate;
    QListWidget *m_certificates;
    QJsonArray m_findings[2]; // keystore, truststore
};

} // namespace Postern::Admin
