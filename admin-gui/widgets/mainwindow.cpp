#include "mainwindow.h"

#include "certificatespage.h"
#include "connectdialog.h"
#include "connectioncontroller.h"
#include "managementclient.h"
#include "dashboardpage.h"
#include "logspage.h"
#include "page.h"
#include "servicespage.h"
#include "sessionspage.h"
#include "userspage.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>

namespace Postern::Admin {

MainWindow::MainWindow(ConnectionController *controller, QWidget *parent)
    : QMainWindow(parent),
      m_controller(controller),
      m_client(controller->client()),
      m_navigation(new QListWidget(this)),
      m_stack(new QStackedWidget(this)),
      m_status(new QLabel(this))
{
    setWindowTitle(tr("Postern Administration"));
    setWindowIcon(QIcon(QStringLiteral(":/postern/postern-admin.svg")));
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setFrameShape(QFrame::NoFrame);
    m_navigation->setStyleSheet(QStringLiteral("QListWidget { font-size: 11pt; background: palette(window); }"
                                                "QListWidget::item { padding: 8px 12px; }"));
    auto *splitter = new QSplitter(this);
    splitter->addWidget(m_navigation);
    splitter->addWidget(m_stack);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({160, 1000});
    setCentralWidget(splitter);
    m_status->setObjectName(QStringLiteral("connectionStatus"));
    statusBar()->addWidget(m_status, 1);
    connect(m_navigation, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);

    // The pages, in the order of the navigation (Alt+1 … Alt+6).
    addPage(new DashboardPage(m_client, this));
    addPage(new ServicesPage(m_client, this));
    addPage(new CertificatesPage(m_client, this));
    addPage(new SessionsPage(m_client, this));
    addPage(new UsersPage(m_client, this));
    addPage(new LogsPage(m_client, this));
    createMenus();

    connect(m_controller, &ConnectionController::statusChanged, this, &MainWindow::updateStatus);
    connect(m_controller, &ConnectionController::failed, this,
            [this](ConnectionController::Failure failure, const QString &message) { onFailed(int(failure), message); });
    // The countdown of a reconnect moves every second.
    auto *tick = new QTimer(this);
    tick->setInterval(1000);
    connect(tick, &QTimer::timeout, this, [this] {
        if (m_client->state() == ManagementClient::State::Reconnecting)
            updateStatus();
    });
    tick->start();
    updateStatus();

    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1180, 760);
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
    connect(qApp, &QApplication::aboutToQuit, this, [this, splitter] {
        QSettings s;
        s.setValue(QStringLiteral("window/geometry"), saveGeometry());
        s.setValue(QStringLiteral("window/state"), saveState());
        s.setValue(QStringLiteral("window/splitter"), splitter->saveState());
    });
}

MainWindow::~MainWindow() = default;

void MainWindow::addPage(Page *page)
{
    m_pages.append(page);
    m_stack->addWidget(page);
    m_navigation->addItem(page->title());
    if (m_navigation->currentRow() < 0)
        m_navigation->setCurrentRow(0);
}

Page *MainWindow::showPage(const QString &name)
{
    for (int i = 0; i < m_pages.size(); ++i)
        if (m_pages.at(i)->objectName() == name) {
            m_navigation->setCurrentRow(i);
            return m_pages.at(i);
        }
    return nullptr;
}

void MainWindow::createMenus()
{
    QMenu *gateway = menuBar()->addMenu(tr("&Gateway"));
    QAction *connectAction = gateway->addAction(tr("&Connect…"), this, &MainWindow::openConnectDialog);
    connectAction->setShortcut(QKeySequence::Open);
    QAction *disconnectAction = gateway->addAction(tr("&Disconnect"), m_controller, &ConnectionController::disconnectFromGateway);
    disconnectAction->setShortcut(QKeySequence(tr("Ctrl+D")));
    gateway->addSeparator();
    QAction *quit = gateway->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);
    connect(m_client, &ManagementClient::stateChanged, this, [disconnectAction](ManagementClient::State state) {
        disconnectAction->setEnabled(state != ManagementClient::State::Disconnected);
    });
    disconnectAction->setEnabled(false);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_pages.size() && i < 9; ++i) {
        QAction *go = view->addAction(m_pages.at(i)->title());
        go->setShortcut(QKeySequence(QStringLiteral("Alt+%1").arg(i + 1)));
        connect(go, &QAction::triggered, this, [this, i] { m_navigation->setCurrentRow(i); });
    }
}

void MainWindow::openConnectDialog()
{
    ConnectDialog dialog(m_controller, this);
    dialog.exec();
}

void MainWindow::onFailed(int failure, const QString &message)
{
    if (findChild<ConnectDialog *>())
        return; // a connect dialog is open: it shows it where the user acts
    // A reconnect was refused: say so plainly, stop, and forget the password. Shown from the
    // event loop, not from inside the client's signal.
    const bool changed = failure == int(ConnectionController::Failure::ChangedCertificate);
    m_controller->disconnectFromGateway();
    QTimer::singleShot(0, this, [this, changed, message] {
        QMessageBox box(changed ? QMessageBox::Critical : QMessageBox::Warning, tr("Connection refused"),
                        changed ? tr("The gateway's certificate changed while the console was reconnecting.")
                                : tr("The gateway refused the console while it was reconnecting."),
                        QMessageBox::Ok, this);
        box.setObjectName(QStringLiteral("connectionRefused"));
        box.setInformativeText(message);
        box.exec();
    });
}

void MainWindow::updateStatus()
{
    m_status->setText(m_controller->statusText());
    const auto state = m_client->state();
    const QString colour = state == ManagementClient::State::Connected    ? QStringLiteral("#2e7d32")
                           : state == ManagementClient::State::Disconnected ? QStringLiteral("#555555")
                                                                             : QStringLiteral("#b26a00");
    m_status->setStyleSheet(QStringLiteral("QLabel { color: %1; }").arg(colour));
    setWindowTitle(state == ManagementClient::State::Connected
                       ? tr("%1 — Postern Administration").arg(m_controller->profile().name)
                       : tr("Postern Administration"));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_controller->disconnectFromGateway();
    QMainWindow::closeEvent(event);
}

} // namespace Postern::Admin
