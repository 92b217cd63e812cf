#include "dashboardpage.h"

#include "gatewaystatus.h"
#include "servicemodel.h"
#include "sessionmodel.h"

#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QGridLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QListWidget>
#include <QTableView>
#include <QValueAxis>

namespace Postern::Admin {

namespace {

QChartView *makeChart(const QString &title, QList<QLineSeries *> series, QDateTimeAxis *time, QValueAxis *values, QWidget *parent)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setVisible(series.size() > 1);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    time->setFormat(QStringLiteral("HH:mm"));
    time->setTickCount(6);
    values->setLabelFormat(QStringLiteral("%.0f"));
    values->setTickCount(5);
    values->setRange(0, 4);
    chart->addAxis(time, Qt::AlignBottom);
    chart->addAxis(values, Qt::AlignLeft);
    for (QLineSeries *line : series) {
        chart->addSeries(line);
        line->attachAxis(time);
        line->attachAxis(values);
    }
    auto *view = new QChartView(chart, parent);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumHeight(200);
    return view;
}

} // namespace

DashboardPage::DashboardPage(ManagementClient *client, QWidget *parent)
    : Page(client, tr("Dashboard"), parent),
      m_status(new GatewayStatus(client, this)),
      m_services(new ServiceModel(client, this)),
      m_sessions(new QLineSeries(this)),
      m_bytesIn(new QLineSeries(this)),
      m_bytesOut(new QLineSeries(this)),
      m_sessionTime(new QDateTimeAxis(this)),
      m_sessionCount(new QValueAxis(this)),
      m_trafficTime(new QDateTimeAxis(this)),
      m_trafficRate(new QValueAxis(this)),
      m_certificates(new QListWidget(this))
{
    setObjectName(QStringLiteral("dashboardPage"));
    auto *figures = new QGroupBox(tr("Gateway"), this);
    auto *grid = new QGridLayout(figures);
    const QList<std::pair<QString, QString>> shown = {
        {QStringLiteral("version"), tr("Version")},   {QStringLiteral("uptime"), tr("Up for")},
        {QStringLiteral("revision"), tr("Configuration")}, {QStringLiteral("sessions"), tr("Sessions now")},
        {QStringLiteral("opened"), tr("Sessions since start")}, {QStringLiteral("traffic"), tr("Traffic since start")},
    };
    for (int i = 0; i < shown.size(); ++i) {
        auto *title = new QLabel(shown.at(i).second, figures);
        title->setStyleSheet(QStringLiteral("QLabel { color: #666666; }"));
        QLabel *value = addFigure(shown.at(i).first, shown.at(i).second);
        value->setParent(figures);
        grid->addWidget(title, (i / 3) * 2, i % 3);
        grid->addWidget(value, (i / 3) * 2 + 1, i % 3);
    }
    body()->addWidget(figures);

    m_sessions->setName(tr("sessions"));
    m_bytesIn->setName(tr("received (B/s)"));
    m_bytesOut->setName(tr("sent (B/s)"));
    auto *charts = new QHBoxLayout;
    charts->addWidget(makeChart(tr("Sessions open"), {m_sessions}, m_sessionTime, m_sessionCount, this));
    charts->addWidget(makeChart(tr("Throughput"), {m_bytesIn, m_bytesOut}, m_trafficTime, m_trafficRate, this));
    body()->addLayout(charts, 2);

    auto *lower = new QHBoxLayout;
    auto *servicesBox = new QGroupBox(tr("Services"), this);
    auto *servicesLayout = new QVBoxLayout(servicesBox);
    auto *servicesTable = new QTableView(servicesBox);
    servicesTable->setObjectName(QStringLiteral("dashboardServices"));
    servicesTable->setModel(m_services);
    servicesTable->verticalHeader()->hide();
    servicesTable->horizontalHeader()->setStretchLastSection(true);
    servicesTable->setSelectionMode(QAbstractItemView::NoSelection);
    servicesTable->setColumnHidden(ServiceModel::Accept, true);
    servicesLayout->addWidget(servicesTable);
    lower->addWidget(servicesBox, 3);
    auto *certificatesBox = new QGroupBox(tr("Certificates needing attention"), this);
    auto *certificatesLayout = new QVBoxLayout(certificatesBox);
    m_certificates->setObjectName(QStringLiteral("certificateWarnings"));
    m_certificates->setWordWrap(true);
    certificatesLayout->addWidget(m_certificates);
    lower->addWidget(certificatesBox, 2);
    body()->addLayout(lower, 2);

    track(m_services);
    connect(m_status, &GatewayStatus::updated, this, &DashboardPage::showInfo);
    connect(m_status, &GatewayStatus::failed, this, [this](const QString &message) { showMessage(message); });
    connect(client, &ManagementClient::connected, this, &DashboardPage::loadCertificates);
    connect(client, &ManagementClient::configChanged, this, &DashboardPage::loadCertificates);
    loadCertificates();
}

QLabel *DashboardPage::addFigure(const QString &name, const QString &title)
{
    auto *label = new QLabel(QStringLiteral("–"), this);
    label->setObjectName(name);
    label->setAccessibleName(title);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 1.4);
    label->setFont(font);
    m_figures.insert(name, label);
    return label;
}

QString DashboardPage::figure(const QString &name) const
{
    const QLabel *label = m_figures.value(name);
    return label ? label->text() : QString();
}

void DashboardPage::showInfo()
{
    const QJsonObject &info = m_status->info();
    const QJsonObject totals = info.value(u"totals").toObject();
    m_figures.value(QStringLiteral("version"))->setText(QStringLiteral("Postern %1").arg(info.value(u"version").toString()));
    m_figures.value(QStringLiteral("uptime"))->setText(SessionModel::humanDuration(qint64(info.value(u"uptimeSeconds").toDouble())));
    const QString revision = info.value(u"revision").toString();
    const QString fileRevision = info.value(u"fileRevision").toString();
    QLabel *revisionLabel = m_figures.value(QStringLiteral("revision"));
    revisionLabel->setText(fileRevision == revision ? revision : tr("%1 (file on disk: %2, not applied)").arg(revision, fileRevision));
    revisionLabel->setToolTip(info.value(u"configFile").toString());
    m_figures.value(QStringLiteral("sessions"))->setText(QString::number(qint64(totals.value(u"sessionsOpen").toDouble())));
    m_figures.value(QStringLiteral("opened"))->setText(QString::number(qint64(totals.value(u"sessionsOpened").toDouble())));
    m_figures.value(QStringLiteral("traffic"))
        ->setText(tr("%1 in, %2 out").arg(SessionModel::humanBytes(totals.value(u"bytesIn").toDouble()),
                                           SessionModel::humanBytes(totals.value(u"bytesOut").toDouble())));

    const QList<GatewayStatus::Sample> &history = m_status->history();
    double peakSessions = 1, peakRate = 1;
    for (const GatewayStatus::Sample &sample : history) {
        peakSessions = std::max(peakSessions, sample.sessions);
        peakRate = std::max({peakRate, sample.bytesInPerSecond, sample.bytesOutPerSecond});
    }
    // Throughput in the unit that keeps its figures short.
    double unit = 1;
    QString unitName = QStringLiteral("B/s");
    if (peakRate >= 4 * 1024 * 1024) {
        unit = 1024 * 1024;
        unitName = QStringLiteral("MiB/s");
    } else if (peakRate >= 4 * 1024) {
        unit = 1024;
        unitName = QStringLiteral("KiB/s");
    }
    QList<QPointF> sessions, in, out;
    for (const GatewayStatus::Sample &sample : history) {
        const double x = double(sample.time.toMSecsSinceEpoch());
        sessions.append({x, sample.sessions});
        in.append({x, sample.bytesInPerSecond / unit});
        out.append({x, sample.bytesOutPerSecond / unit});
    }
    m_sessions->replace(sessions);
    m_bytesIn->replace(in);
    m_bytesOut->replace(out);
    m_bytesIn->setName(tr("received (%1)").arg(unitName));
    m_bytesOut->setName(tr("sent (%1)").arg(unitName));
    peakRate /= unit;
    // The time axis spans what was seen, at least a minute and at most the history kept.
    const QDateTime now = QDateTime::currentDateTime();
    const QDateTime first = history.isEmpty() ? now : history.first().time.toLocalTime();
    const QDateTime start = std::min(first, now.addSecs(-60));
    for (QDateTimeAxis *axis : {m_sessionTime, m_trafficTime}) {
        axis->setRange(start, now);
        axis->setFormat(start.secsTo(now) < 300 ? QStringLiteral("HH:mm:ss") : QStringLiteral("HH:mm"));
    }
    // Four intervals of whole numbers: the labels never repeat a rounded value.
    const auto ceiling = [](double peak) { return std::max(4.0, std::ceil(peak * 1.2 / 4) * 4); };
    m_sessionCount->setRange(0, ceiling(peakSessions));
    m_trafficRate->setRange(0, ceiling(peakRate));
}

void DashboardPage::loadCertificates()
{
    if (!client()->isConnected())
        return;
    const QStringList stores = {QStringLiteral("keystore"), QStringLiteral("truststore")};
    for (int i = 0; i < 2; ++i) {
        client()->listCertificates(stores.at(i), 30)->onFinished(this, [this, i, stores](const ManagementReply &reply) {
            // A gateway without a truststore answers with an error: no findings there.
            // Findings about an entry are in the entry; the others (uncovered-host) beside them.
            m_findings[i] = reply.isError() ? QJsonArray() : reply.result().value(u"findings").toArray();
            if (!reply.isError())
                for (const QJsonValue &entry : reply.result().value(u"entries").toArray())
                    for (const QJsonValue &finding : entry.toObject().value(u"findings").toArray())
                        m_findings[i].append(finding);
            m_certificates->clear();
            for (int s = 0; s < 2; ++s)
                for (const QJsonValue &finding : std::as_const(m_findings[s])) {
                    const QJsonObject f = finding.toObject();
                    auto *item = new QListWidgetItem(QStringLiteral("%1: %2").arg(stores.at(s), f.value(u"message").toString()),
                                                     m_certificates);
                    const QString kind = f.value(u"kind").toString();
                    item->setForeground(kind == u"expired" || kind == u"not-yet-valid" ? QColor(0xa6, 0x1b, 0x1b) : QColor(0x9a, 0x5b, 0x00));
                }
            if (m_certificates->count() == 0)
                new QListWidgetItem(tr("Nothing: no certificate expires within 30 days, and none is weak."), m_certificates);
        });
    }
}

QStringList DashboardPage::certificateWarnings() const
{
    QStringList lines;
    for (int s = 0; s < 2; ++s)
        for (const QJsonValue &finding : m_findings[s])
            lines.append(finding.toObject().value(u"message").toString());
    return lines;
}

} // namespace Postern::Admin
