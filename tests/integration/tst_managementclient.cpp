// postern_admin_client against a real posternd (a process started by the test): the
// management client (hello, answers, errors, events, reconnecting after a restart), the
// connection controller (each way of failing, trusting a certificate once or always, a
// pinned certificate that changed), profiles, and the models the console's pages show.

#include "auditmodel.h"
#include "awaitreply.h"
#include "clientsocket.h"
#include "connectioncontroller.h"
#include "gatewaystatus.h"
#include "logmodel.h"
#include "managementclient.h"
#include "passwordvault.h"
#include "profilestore.h"
#include "servicemodel.h"
#include "sessionmodel.h"
#include "testgateway.h"
#include "usermodel.h"

#include <QtTest>

using namespace Postern;
using Admin::ConnectionController;
using Admin::ManagementClient;
using Admin::ManagementReply;
using Testing::Answer;
using Testing::await;

class TestManagementClient : public QObject
{
    Q_OBJECT

private:
    Testing::TestGateway m_gateway;
    QTemporaryDir m_settings;

    std::unique_ptr<ManagementClient> connectedAs(const QString &user, const QString &password)
    {
        auto client = std::make_unique<ManagementClient>();
        QSignalSpy connected(client.get(), &ManagementClient::connected);
        client->open(m_gateway.managementUrl(), m_gateway.connectOptions(user, password));
        if (!connected.wait(15000))
            qWarning() << "not connected:" << client->lastOutcome().message;
        return client;
    }

    Admin::ConnectionProfile profile(const QString &user) const
    {
        return {QStringLiteral("test gateway"), m_gateway.managementUrl(), user, {}, false};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_gateway.start());
    }

    void connectsAndAnswers()
    {
        const auto client = connectedAs(Testing::TestGateway::kAdmin, m_gateway.adminPassword());
        QVERIFY(client->isConnected());
        QCOMPARE(client->user(), QStringLiteral("admin"));
        QVERIFY(!client->isReadOnly());
        QVERIFY(client->server().startsWith(u"posternd"));
        const Answer info = await(client->gatewayInfo());
        QVERIFY(info.ok());
        QCOMPARE(info.result.value(u"protocol").toInt(), 1);
        QVERIFY(info.result.value(u"configFile").toString().endsWith(u"gateway-config.xml"));
    }

    void errorsAreAnswersWithReasons()
    {
        const auto client = connectedAs(Testing::TestGateway::kAdmin, m_gateway.adminPassword());
        const Answer missing = await(client->getService(QStringLiteral("nope")));
        QVERIFY(missing.arrived);
        QCOMPARE(missing.error.code, QStringLiteral("not-found"));
        QVERIFY(missing.error.message.contains(u"nope"));
        // Not connected: an error at once, never a request into the void.
        ManagementClient idle;
        const Answer refused = await(idle.gatewayInfo());
        QCOMPARE(refused.error.code, ManagementReply::kNotConnected);
    }

    void manyRequestsAtOnceAreNotRateLimited()
    {
        // The server allows a burst of 50 then 20 a second: the client paces 120 requests.
        const auto client = connectedAs(Testing::TestGateway::kAdmin, m_gateway.adminPassword());
        QList<Answer> answers(120);
        QObject context;
        int done = 0;
        for (int i = 0; i < answers.size(); ++i)
            client->gatewayInfo()->onFinished(&context, [&, i](const ManagementReply &reply) {
                answers[i].arrived = true;
                answers[i].error = reply.error();
                ++done;
            });
        QVERIFY(QTest::qWaitFor([&] { return done == answers.size(); }, 30000));
        for (const Answer &answer : answers)
            QVERIFY2(answer.ok(), qPrintable(answer.error.code + u' ' + answer.error.message));
    }

    void viewerReadsButMayNotChange()
    {
        const auto client = connectedAs(Testing::TestGateway::kViewer, m_gateway.viewerPassword());
        QVERIFY(client->isConnected());
        QVERIFY(client->isReadOnly());
        const Answer services = await(client->listServices());
        QVERIFY(services.ok());
        const Answer refused = await(client->deleteService(services.result.value(u"revision").toString(), QStringLiteral("echo")));
        QCOMPARE(refused.error.code, QStringLiteral("forbidden"));
    }

    void controllerNamesEachFailure()
    {
        Admin::ProfileStore profiles(m_settings.filePath(QStringLiteral("failures.ini")));
        ConnectionController controller(&profiles, nullptr);
        QSignalSpy failed(&controller, &ConnectionController::failed);
        QSignalSpy connected(&controller, &ConnectionController::connected);

        // Nothing this machine trusts vouches for the test CA: the certificate is shown.
        controller.connectTo(profile(QStringLiteral("admin")), m_gateway.adminPassword());
        QVERIFY(failed.wait(15000));
        QCOMPARE(controller.failure(), ConnectionController::Failure::UnknownCertificate);
        QVERIFY(!controller.presentedCertificate().isNull());
        QVERIFY(ConnectionController::describeCertificate(controller.presentedCertificate()).contains(u"SHA-256: "));
        QVERIFY(controller.statusText().startsWith(u"Not connected"));

        // Trusted always: pinned in the profile, and connected.
        controller.trustAlways();
        QVERIFY(connected.wait(15000));
        const QStringList rightPin = profiles.find(QStringLiteral("test gateway"))->pinnedCertificates;
        QCOMPARE(rightPin.size(), 1);
        QVERIFY(controller.statusText().startsWith(u"Connected to test gateway as admin"));
        controller.disconnectFromGateway();

        // A pinned certificate that is not the one shown: the hard warning.
        Admin::ConnectionProfile changed = profile(QStringLiteral("admin"));
        changed.pinnedCertificates = {QString(QStringLiteral("AB:")).repeated(31) + QStringLiteral("AB")};
        failed.clear();
        controller.connectTo(changed, m_gateway.adminPassword());
        QVERIFY(failed.wait(15000));
        QCOMPARE(controller.failure(), ConnectionController::Failure::ChangedCertificate);
        QVERIFY(controller.failureMessage().contains(u"has changed"));
        // Trusted once: connected, and the profile keeps its old pin.
        controller.trustOnce();
        QVERIFY(connected.wait(15000));
        QCOMPARE(profiles.find(QStringLiteral("test gateway"))->pinnedCertificates, changed.pinnedCertificates);
        controller.disconnectFromGateway();

        // What was trusted once for localhost:port is not trusted for another host name.
        Admin::ConnectionProfile byAddress = profile(QStringLiteral("admin"));
        byAddress.name = QStringLiteral("by address");
        byAddress.url.setHost(QStringLiteral("127.0.0.1"));
        failed.clear();
        controller.connectTo(byAddress, m_gateway.adminPassword());
        QVERIFY(failed.wait(15000));
        QCOMPARE(controller.failure(), ConnectionController::Failure::UnknownCertificate);

        // A pin that cannot be read refuses to connect rather than trusting less.
        Admin::ConnectionProfile damaged = profile(QStringLiteral("admin"));
        damaged.pinnedCertificates = {QStringLiteral("not a fingerprint")};
        failed.clear();
        controller.connectTo(damaged, m_gateway.adminPassword());
        QCOMPARE(failed.count(), 1);
        QCOMPARE(controller.failure(), ConnectionController::Failure::Other);
        QVERIFY(controller.failureMessage().contains(u"cannot be read"));
        QCOMPARE(controller.client()->state(), ManagementClient::State::Disconnected);

        // From here on the gateway's certificate is pinned.
        Admin::ConnectionProfile pinned = *profiles.find(QStringLiteral("test gateway"));
        pinned.pinnedCertificates = rightPin;

        failed.clear();
        controller.connectTo(pinned, QStringLiteral("not the password"));
        QVERIFY(failed.wait(15000));
        QCOMPARE(controller.failure(), ConnectionController::Failure::WrongPassword);
        QVERIFY(controller.failureMessage().contains(u"refused user 'admin'"));

        Admin::ConnectionProfile guest = pinned;
        guest.user = QStringLiteral("guest");
        failed.clear();
        controller.connectTo(guest, m_gateway.guestPassword());
        QVERIFY(failed.wait(15000));
        QCOMPARE(controller.failure(), ConnectionController::Failure::Forbidden);
        QVERIFY(controller.failureMessage().contains(u"may not manage"));

        Admin::ConnectionProfile elsewhere = pinned;
        elsewhere.url.setPort(Testing::freePort());
        failed.clear();
        controller.connectTo(elsewhere, m_gateway.adminPassword());
        QVERIFY(failed.wait(15000));
        QCOMPARE(controller.failure(), ConnectionController::Failure::Unreachable);

        Admin::ConnectionProfile wrongPath = pinned;
        wrongPath.url.setPath(QStringLiteral("/nothing-here"));
        failed.clear();
        controller.connectTo(wrongPath, m_gateway.adminPassword());
        QVERIFY(failed.wait(15000));
        QCOMPARE(controller.failure(), ConnectionController::Failure::NotManagement);
    }

    void profilesAreKeptWithoutPasswords()
    {
        const QString file = m_settings.filePath(QStringLiteral("profiles.ini"));
        {
            Admin::ProfileStore store(file);
            Admin::ConnectionProfile p = profile(QStringLiteral("admin"));
            p.name = QStringLiteral("prod / eu=1");
            p.pinnedCertificates = {QStringLiteral("AA:BB")};
            p.rememberPassword = true;
            store.save(p);
            store.setLastUsed(p.name);
        }
        Admin::ProfileStore again(file);
        QCOMPARE(again.profiles().size(), 1);
        const auto p = again.find(QStringLiteral("prod / eu=1"));
        QVERIFY(p);
        QCOMPARE(p->user, QStringLiteral("admin"));
        QCOMPARE(p->pinnedCertificates, QStringList{QStringLiteral("AA:BB")});
        QVERIFY(p->rememberPassword);
        QCOMPARE(again.lastUsed(), QStringLiteral("prod / eu=1"));
        QFile raw(file);
        QVERIFY(raw.open(QIODevice::ReadOnly));
        QVERIFY(!raw.readAll().contains(m_gateway.adminPassword().toUtf8()));
        again.remove(p->name);
        QVERIFY(again.profiles().isEmpty());
    }

    void vaultUsesTheKeyringOrSaysWhyNot()
    {
        Admin::PasswordVault vault(nullptr, QStringLiteral("postern-admin-test"));
        std::optional<Admin::PasswordVault::Result> written;
        vault.write(QStringLiteral("someone@wss://test"), QStringLiteral("s3cret-value"), [&](const auto &result) { written = result; });
        QVERIFY(QTest::qWaitFor([&] { return written.has_value(); }, 20000));
        if (!written->ok()) {
            // No keyring here (a bare CI machine): the reason names it, and nothing is kept.
            QVERIFY2(written->error.contains(u"keyring"), qPrintable(written->error));
            return;
        }
        std::optional<Admin::PasswordVault::Result> read;
        vault.read(QStringLiteral("someone@wss://test"), [&](const auto &result) { read = result; });
        QVERIFY(QTest::qWaitFor([&] { return read.has_value(); }, 20000));
        QCOMPARE(read->password.value_or(QString()), QStringLiteral("s3cret-value"));
        std::optional<Admin::PasswordVault::Result> removed;
        vault.remove(QStringLiteral("someone@wss://test"), [&](const auto &result) { removed = result; });
        QVERIFY(QTest::qWaitFor([&] { return removed.has_value(); }, 20000));
        QVERIFY(removed->ok());
    }

    void sessionModelFollowsTheGateway()
    {
        const auto client = connectedAs(Testing::TestGateway::kAdmin, m_gateway.adminPassword());
        Admin::SessionModel model(client.get());
        QVERIFY(QTest::qWaitFor([&] { return !model.isLoading() && model.rowCount() >= 1; }, 10000)); // the console itself
        const int before = model.rowCount();
        Client::ClientSocket echo;
        QSignalSpy open(&echo, &Client::ClientSocket::connected);
        QSignalSpy closed(&echo, &Client::ClientSocket::disconnected);
        Client::ConnectOptions options;
        const QByteArray origin = "http://localhost:" + QByteArray::number(m_gateway.httpPort()); // its own: allowed
        options.origin = origin;
        echo.open(m_gateway.echoUrl(), options);
        QVERIFY(open.wait(10000));
        QVERIFY(QTest::qWaitFor([&] { return model.rowCount() == before + 1; }, 10000));
        const int row = model.find(QStringLiteral("service"), QStringLiteral("echo"));
        QVERIFY(row >= 0);
        QCOMPARE(model.index(row, Admin::SessionModel::Origin).data().toString(), QString::fromLatin1(origin));
        // Counters move with the traffic (pushed once a second).
        QVERIFY(echo.sendTextMessage(QStringLiteral("hello")));
        QVERIFY(QTest::qWaitFor([&] { return model.index(row, Admin::SessionModel::MessagesIn).data().toString() == u"1"; }, 10000));
        // Closing from the model ends the client's session with the reason given.
        const Answer closing = await(model.close({model.sessionId(row)}, QStringLiteral("maintenance")));
        QVERIFY(closing.ok());
        QVERIFY(closed.count() > 0 || closed.wait(10000));
        QCOMPARE(echo.closeReason(), QStringLiteral("maintenance"));
        QVERIFY(QTest::qWaitFor([&] { return model.rowCount() == before; }, 10000));
    }

    void userModelChangesTheUsersFile()
    {
        const auto client = connectedAs(Testing::TestGateway::kAdmin, m_gateway.adminPassword());
        Admin::UserModel users(client.get());
        Admin::AuditModel audit(client.get());
        users.setRealm(QStringLiteral("app"));
        QVERIFY(QTest::qWaitFor([&] { return users.rowCount() == 1; }, 10000));
        QVERIFY(await(users.addUser(QStringLiteral("bob"), QStringLiteral("bob-password-1"), {QStringLiteral("USER")})).ok());
        QVERIFY(QTest::qWaitFor([&] { return users.rowCount() == 2; }, 10000));
        QVERIFY(m_gateway.fileText(QStringLiteral("app-users.xml")).contains("<name>bob</name>"));
        QVERIFY(!m_gateway.fileText(QStringLiteral("app-users.xml")).contains("bob-password-1"));
        // Refused: the gateway's reason reaches the model.
        QSignalSpy error(&users, &Admin::JsonTableModel::errorChanged);
        QCOMPARE(await(users.addUser(QStringLiteral("bob"), QStringLiteral("another-password"), {})).error.code, QStringLiteral("conflict"));
        QVERIFY(users.lastError().contains(u"bob"));
        QVERIFY(await(users.setRoles(QStringLiteral("bob"), {QStringLiteral("USER"), QStringLiteral("AUDITOR")})).ok());
        QVERIFY(QTest::qWaitFor([&] {
            const int row = users.find(QStringLiteral("name"), QStringLiteral("bob"));
            return row >= 0 && users.index(row, Admin::UserModel::Roles).data().toString() == u"USER, AUDITOR";
        }, 10000));
        QVERIFY(await(users.removeUser(QStringLiteral("bob"))).ok());
        QVERIFY(QTest::qWaitFor([&] { return users.rowCount() == 1; }, 10000));
        // Each change is in the audit trail the console shows.
        QVERIFY(QTest::qWaitFor([&] {
            for (const QJsonObject &entry : audit.rows())
                if (entry.value(u"op").toString() == u"users.remove" && entry.value(u"result").toString() == u"ok")
                    return true;
            return false;
        }, 10000));
    }

    void logsStatusAndServices()
    {
        const auto client = connectedAs(Testing::TestGateway::kAdmin, m_gateway.adminPassword());
        Admin::LogModel log(client.get());
        Admin::GatewayStatus status(client.get());
        Admin::ServiceModel services(client.get());
        QVERIFY(QTest::qWaitFor([&] { return !status.info().isEmpty() && services.rowCount() == 3 && log.rowCount() > 0; }, 10000));
        QVERIFY(!services.revision().isEmpty());
        const int echo = services.rowOf(QStringLiteral("echo"));
        QVERIFY(echo >= 0);
        QCOMPARE(services.index(echo, Admin::ServiceModel::State).data().toString(), QStringLiteral("running"));
        QCOMPARE(status.history().size(), 1);
        // A line logged now arrives through the stream (a refused login is logged at info).
        const int lines = log.rowCount();
        Client::ClientSocket stranger;
        QSignalSpy failed(&stranger, &Client::ClientSocket::connectFailed);
        Client::ConnectOptions options;
        options.trust = Client::TrustPolicy::authorities({m_gateway.caCertificate()});
        stranger.open(m_gateway.managementUrl(), options);
        QVERIFY(failed.wait(10000));
        QVERIFY(QTest::qWaitFor([&] { return log.rowCount() > lines; }, 10000));
    }

    // Last: it restarts the gateway.
    void reconnectsAfterTheGatewayRestarts()
    {
        const auto client = connectedAs(Testing::TestGateway::kAdmin, m_gateway.adminPassword());
        client->setReconnectDelays(std::chrono::milliseconds(200), std::chrono::milliseconds(1000));
        client->subscribe(QStringLiteral("sessions"));
        QSignalSpy lost(client.get(), &ManagementClient::connectionLost);
        QSignalSpy connected(client.get(), &ManagementClient::connected);
        m_gateway.stop();
        QVERIFY(lost.count() > 0 || lost.wait(10000));
        QCOMPARE(lost.first().at(2).toBool(), true); // will reconnect
        QCOMPARE(client->state(), ManagementClient::State::Reconnecting);
        const Answer meanwhile = await(client->gatewayInfo());
        QCOMPARE(meanwhile.error.code, ManagementReply::kNotConnected);
        QVERIFY(m_gateway.start());
        QVERIFY(connected.wait(20000));
        QVERIFY(client->isConnected());
        QCOMPARE(client->topics(), QStringList{QStringLiteral("sessions")});
        QVERIFY(await(client->gatewayInfo()).ok());
    }
};

QTEST_MAIN(TestManagementClient)
#include "tst_managementclient.moc"
