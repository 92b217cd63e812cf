#pragma once

// The console's main window: pages on the left (dashboard, services, certificates, sessions,
// users, logs), the chosen one on the right, and the connection's state in the status bar.
// It connects through ConnectDialog and shows a lost connection being opened again.

#include <QMainWindow>

class QLabel;
class QListWidget;
class QStackedWidget;

namespace Postern::Admin {

class ConnectionController;
class ManagementClient;
class Page;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(ConnectionController *controller, QWidget *parent = nullptr);
    ~MainWindow() override;

    // The page whose objectName is `name` ("servicesPage"), and shows it.
    Page *showPage(const QString &name);
    QList<Page *> pages() const { return m_pages; }

public Q_SLOTS:
    void openConnectDialog();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void addPage(Page *page);
    void updateStatus();
    void createMenus();
    void onFailed(int failure, const QString &message);

    ConnectionController *m_controller;
    ManagementClient *m_client;
    QListWidget *m_navigation;
    QStackedWidget *m_stack;
    QLabel *m_status;
    QList<Page *> m_pages;
};

} // namespace Postern::Admin
