// The console's windows against a real posternd, under QT_QPA_PLATFORM=offscreen: the
// connect dialog (its errors, the certificate question), the main window's pages, and
// actions pressed as an administrator would, checked on the gateway. Dialogs that a button
// opens are answered when they show, from inside their own event loop.

#include "certificatetrustdialog.h"
#include "clientsocket.h"
#include "connectdialog.h"
#include "connectioncontroller.h"
#include "dialoganswerer.h"
#include "dashboardpage.h"
#include "logmodel.h"
#include "logspage.h"
#include "mainwindow.h"
#include "profilestore.h"
#include "sessionmodel.h"
#include "sessionspage.h"
#include "servicemodel.h"
#include "auditmodel.h"
#include "testgateway.h"
#include "userdialog.h"
#include "usermodel.h"
#include "userspage.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableView>
#include <QtTest>

using namespace Postern;
using Admin::ConnectionController;
using Testing::answerNextDialog;

class TestMainWindow : public QObject
{
    Q_OBJECT

private:
    Testing::TestGateway m_gateway;
    QTemporaryDir m_dir;
    std::unique_ptr<Admin::ProfileStore> m_profiles;
    std::unique_ptr<ConnectionController> m_controller;
    std::unique_ptr<Admin::MainWindow> m_window;

    Admin::ConnectionProfile profile(const QString &user = QStringLiteral("admin")) const
    {
        return {QStringLiteral("test"), m_gateway.managementUrl(), user, {}, false};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_gateway.start());
        m_profiles = std::make_unique<Admin::ProfileStore>(m_dir.filePath(QStringLiteral("console.ini")));
        m_controller = std::make_unique<ConnectionController>(m_profiles.get(), nullptr);
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_controller.reset();
    }

    void opensAndSaysItIsNotConnected()
    {
        m_window = std::make_unique<Admin::MainWindow>(m_controller.get());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QCOMPARE(m_window->windowTitle(), QStringLiteral("Postern Administration"));
        const auto *status = m_window->findChild<QLabel *>(QStringLiteral("connectionStatus"));
        QVERIFY(status);
        QCOMPARE(status->text(), QStringLiteral("Not connected"));
        const auto *navigation = m_window->findChild<QListWidget *>(QStringLiteral("navigation"));
        QVERIFY(navigation->count() >= 4);
        QCOMPARE(navigation->item(0)->text(), QStringLiteral("Dashboard"));
    }

    void connectDialogSaysWhatIsWrong()
    {
        Admin::ConnectDialog dialog(m_controller.get(), m_window.get());
        dialog.setProfile(profile());
        // No password: asked for, nothing sent.
        dialog.connectNow();
        QVERIFY(dialog.error().contains(u"password"));
        // A URL that is not one.
        Admin::ConnectionProfile bad = profile();
        bad.url = QUrl(QStringLiteral("https://localhost/manage"));
        dialog.setProfile(bad);
        dialog.setPassword(QStringLiteral("whatever"));
        dialog.connectNow();
        QVERIFY(dialog.error().contains(u"wss://"));
    }

    void connectDialogAsksAboutTheCertificateThenConnects()
    {
        Admin::ConnectDialog dialog(m_controller.get(), m_window.get());
        dialog.setProfile(profile());
        QSignalSpy failed(m_controller.get(), &ConnectionController::failed);
        // The wrong password first — but the certificate is the first question.
        QString shown;
        answerNextDialog<Admin::CertificateTrustDialog>([&shown](Admin::CertificateTrustDialog *question) {
            shown = question->findChild<QPlainTextEdit *>(QStringLiteral("certificateDetails"))->toPlainText();
            question->findChild<QPushButton *>(QStringLiteral("trustAlways"))->click();
        });
        dialog.setPassword(QStringLiteral("wrong password"));
        dialog.connectNow();
        QVERIFY(QTest::qWaitFor([&] { return failed.count() >= 2; }, 20000));
        QVERIFY(shown.contains(u"Subject: localhost") || shown.contains(u"localhost"));
        QVERIFY(shown.contains(u"SHA-256: "));
        QVERIFY2(dialog.error().contains(u"refused user 'admin'"), qPrintable(dialog.error()));
        QCOMPARE(m_profiles->find(QStringLiteral("test"))->pinnedCertificates.size(), 1);

        // The right one: connected, the dialog closes, the status bar says so.
        QSignalSpy connected(m_controller.get(), &ConnectionController::connected);
        dialog.setPassword(m_gateway.adminPassword());
        dialog.connectNow();
        QVERIFY(connected.wait(15000));
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        const auto *status = m_window->findChild<QLabel *>(QStringLiteral("connectionStatus"));
        QVERIFY2(status->text().startsWith(u"Connected to test as admin"), qPrintable(status->text()));
        QCOMPARE(m_window->windowTitle(), QStringLiteral("test — Postern Administration"));
    }

    void aChangedCertificateIsAHardWarning()
    {
        // A fresh controller whose profile pins another certificate.
        Admin::ProfileStore profiles(m_dir.filePath(QStringLiteral("other.ini")));
        ConnectionController controller(&profiles, nullptr);
        Admin::ConnectDialog dialog(&controller);
        Admin::ConnectionProfile pinned = profile();
        pinned.pinnedCertificates = {QString(QStringLiteral("01:")).repeated(31) + QStringLiteral("01")};
        profiles.save(pinned);
        dialog.setProfile(pinned);
        bool trustDisabled = false;
        bool hadCheckbox = false;
        answerNextDialog<Admin::CertificateTrustDialog>([&](Admin::CertificateTrustDialog *question) {
            trustDisabled = !question->findChild<QPushButton *>(QStringLiteral("trustAlways"))->isEnabled()
                && !question->findChild<QPushButton *>(QStringLiteral("trustOnce"))->isEnabled();
            hadCheckbox = question->findChild<QCheckBox *>(QStringLiteral("checkedChange")) != nullptr;
            question->reject();
        });
        QSignalSpy failed(&controller, &ConnectionController::failed);
        dialog.setPassword(m_gateway.adminPassword());
        dialog.connectNow();
        QVERIFY(failed.wait(15000));
        QVERIFY(trustDisabled);
        QVERIFY(hadCheckbox);
        QCOMPARE(controller.failure(), ConnectionController::Failure::ChangedCertificate);
        QVERIFY(dialog.error().contains(u"changed"));
        QCOMPARE(controller.client()->state(), Admin::ManagementClient::State::Disconnected);
    }

    void dashboardShowsTheGateway()
    {
        auto *page = qobject_cast<Admin::DashboardPage *>(m_window->showPage(QStringLiteral("dashboardPage")));
        QVERIFY(page);
        QVERIFY(QTest::qWaitFor([&] { return page->figure(QStringLiteral("version")).startsWith(u"Postern "); }, 10000));
        QVERIFY(page->figure(QStringLiteral("sessions")).toInt() >= 1);
        QVERIFY(QTest::qWaitFor([&] { return page->services()->rowCount() == 3; }, 10000));
    }

    void sessionsPageClosesTheSelectedSession()
    {
        auto *page = qobject_cast<Admin::SessionsPage *>(m_window->showPage(QStringLiteral("sessionsPage")));
        QVERIFY(page);
        Client::ClientSocket echo;
        QSignalSpy open(&echo, &Client::ClientSocket::connected);
        QSignalSpy closed(&echo, &Client::ClientSocket::disconnected);
        echo.open(m_gateway.echoUrl());
        QVERIFY(open.wait(10000));
        // Filter to the echo session, select it, press Close and give a reason.
        page->findChild<QLineEdit *>(QStringLiteral("sessionFilter"))->setText(QStringLiteral("echo"));
        QTableView *table = page->table();
        QVERIFY(QTest::qWaitFor([&] { return table->model()->rowCount() == 1; }, 10000));
        table->selectRow(0);
        auto *close = page->findChild<QPushButton *>(QStringLiteral("closeSessions"));
        QVERIFY(close->isEnabled());
        answerNextDialog<QInputDialog>([](QInputDialog *ask) {
            ask->setTextValue(QStringLiteral("closed from the console"));
            ask->accept();
        });
        close->click();
        QVERIFY(closed.count() > 0 || closed.wait(10000));
        QCOMPARE(echo.closeReason(), QStringLiteral("closed from the console"));
        QVERIFY(QTest::qWaitFor([&] { return table->model()->rowCount() == 0; }, 10000));
        QVERIFY(page->message().contains(u"Closed 1 session"));
        // A gateway without <cluster>: no whole-cluster choice and no nodes line.
        QVERIFY(!page->scopeBox()->isEnabled());
        QVERIFY(page->findChild<QLabel *>(QStringLiteral("clusterNodes"))->isHidden());
    }

    void usersPageAddsAUserWhoCanLogIn()
    {
        auto *page = qobject_cast<Admin::UsersPage *>(m_window->showPage(QStringLiteral("usersPage")));
        QVERIFY(page);
        QVERIFY(QTest::qWaitFor([&] { return page->realmChooser()->findText(QStringLiteral("app")) >= 0; }, 10000));
        page->realmChooser()->setCurrentText(QStringLiteral("app"));
        QVERIFY(QTest::qWaitFor([&] { return page->model()->rowCount() == 1; }, 10000));
        // The dialog refuses two different passwords itself, then sends the user.
        answerNextDialog<Admin::UserDialog>([](Admin::UserDialog *dialog) {
            dialog->findChild<QLineEdit *>(QStringLiteral("userName"))->setText(QStringLiteral("carol"));
            dialog->findChild<QLineEdit *>(QStringLiteral("userPassword"))->setText(QStringLiteral("carol-password"));
            dialog->findChild<QLineEdit *>(QStringLiteral("userPasswordRepeat"))->setText(QStringLiteral("carol-passwort"));
            dialog->accept();
            QVERIFY(dialog->isVisible()); // refused: still open
            dialog->findChild<QLineEdit *>(QStringLiteral("userPasswordRepeat"))->setText(QStringLiteral("carol-password"));
            dialog->findChild<QLineEdit *>(QStringLiteral("userRoles"))->setText(QStringLiteral("USER, AUDITOR"));
            dialog->accept();
        });
        page->findChild<QPushButton *>(QStringLiteral("addUser"))->click();
        QVERIFY(QTest::qWaitFor([&] { return page->model()->rowCount() == 2; }, 10000));
        QVERIFY(m_gateway.fileText(QStringLiteral("app-users.xml")).contains("<name>carol</name>"));
        QVERIFY(page->message().contains(u"'carol' was added"));
        // carol logs in to the app service with that password.
        Client::ClientSocket app;
        Client::ConnectOptions options = m_gateway.connectOptions(QStringLiteral("carol"), QStringLiteral("carol-password"));
        QSignalSpy open(&app, &Client::ClientSocket::connected);
        app.open(QUrl(QStringLiteral("ws://localhost:%1/app").arg(m_gateway.httpPort())), options);
        QVERIFY(open.wait(10000));
        // Removing asks first.
        page->table()->selectRow(page->model()->find(QStringLiteral("name"), QStringLiteral("carol")));
        answerNextDialog<QMessageBox>([](QMessageBox *question) { question->button(QMessageBox::Yes)->click(); });
        page->findChild<QPushButton *>(QStringLiteral("removeUser"))->click();
        QVERIFY(QTest::qWaitFor([&] { return page->model()->rowCount() == 1; }, 10000));
        QVERIFY(!m_gateway.fileText(QStringLiteral("app-users.xml")).contains("<name>carol</name>"));
    }

    void logsPageShowsTheLogAndTheAuditTrail()
    {
        auto *page = qobject_cast<Admin::LogsPage *>(m_window->showPage(QStringLiteral("logsPage")));
        QVERIFY(page);
        QVERIFY(QTest::qWaitFor([&] { return page->logModel()->rowCount() > 0 && page->auditModel()->rowCount() > 0; }, 10000));
        // Search narrows the lines to those that say it.
        const int all = page->logView()->rowCount();
        page->findChild<QLineEdit *>(QStringLiteral("logSearch"))->setText(QStringLiteral("users.add"));
        QVERIFY(page->logView()->rowCount() > 0);
        QVERIFY(page->logView()->rowCount() < all);
        for (int row = 0; row < page->logView()->rowCount(); ++row)
            QVERIFY(page->logView()->index(row, Admin::LogModel::Message).data().toString().contains(u"users.add", Qt::CaseInsensitive));
        page->findChild<QComboBox *>(QStringLiteral("logLevel"))->setCurrentText(QStringLiteral("warning"));
        QVERIFY(QTest::qWaitFor([&] { return !page->logModel()->isLoading(); }, 10000));
        for (const QJsonObject &line : page->logModel()->rows())
            QVERIFY(line.value(u"level").toString() == u"warning" || line.value(u"level").toString() == u"error");
    }

    void statusBarShowsALostConnection()
    {
        Admin::ManagementClient *client = m_controller->client();
        client->setReconnectDelays(std::chrono::milliseconds(300), std::chrono::milliseconds(1000));
        QSignalSpy lost(client, &Admin::ManagementClient::connectionLost);
        QSignalSpy connected(client, &Admin::ManagementClient::connected);
        m_gateway.stop();
        QVERIFY(lost.count() > 0 || lost.wait(10000));
        const auto *status = m_window->findChild<QLabel *>(QStringLiteral("connectionStatus"));
        QVERIFY2(status->text().contains(u"trying again"), qPrintable(status->text()));
        QVERIFY(m_gateway.start());
        QVERIFY(connected.wait(20000));
        QVERIFY2(status->text().startsWith(u"Connected to test"), qPrintable(status->text()));
    }

    // Last: it disconnects. A refusal with no connect dialog open (as a reconnect meets one)
    // is shown in a box of its own, and the console stops.
    void aRefusalWithoutTheDialogIsShown()
    {
        QString shown;
        answerNextDialog<QMessageBox>([&shown](QMessageBox *box) {
            shown = box->informativeText();
            box->accept();
        });
        QSignalSpy failed(m_controller.get(), &ConnectionController::failed);
        m_controller->connectTo(*m_profiles->find(QStringLiteral("test")), QStringLiteral("no longer the password"));
        QVERIFY(failed.wait(15000));
        QVERIFY(QTest::qWaitFor([&] { return !shown.isEmpty(); }, 10000));
        QVERIFY(shown.contains(u"refused user 'admin'"));
        QCOMPARE(m_controller->client()->state(), Admin::ManagementClient::State::Disconnected);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
