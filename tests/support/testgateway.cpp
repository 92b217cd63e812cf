#include "testgateway.h"

#include "auth/passwordhasher.h"
#include "basicchallengehandler.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTest>

namespace Postern::Testing {

namespace {

QString madeUpPassword()
{
    return QString::fromLatin1(QByteArray::number(QRandomGenerator::system()->generate64(), 36) + "-pw");
}

bool listening(quint16 port)
{
    QTcpSocket probe;
    probe.connectToHost(QStringLiteral("127.0.0.1"), port);
    const bool up = probe.waitForConnected(200); // a separate process: waiting here blocks nothing of it
    probe.abort();
    return up;
}

} // namespace

TestGateway::TestGateway()
    : m_adminPassword(madeUpPassword()), m_viewerPassword(madeUpPassword()), m_guestPassword(madeUpPassword())
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
}

TestGateway::~TestGateway()
{
    stop();
}

void TestGateway::writeFile(const QString &name, const QByteArray &data) const
{
    QFile file(m_dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(file.fileName()));
    file.write(data);
}

bool TestGateway::start()
{
    if (!m_written) {
        m_http = freePort();
        m_manage = freePort();
        TestPki::writeKeystore(m_dir.path(), {m_pki.serverEntry(QStringLiteral("localhost"), {QStringLiteral("localhost")})});
        const auto hash = [](const QString &password) { return *Auth::PasswordHasher::hash(password.toUtf8()); };
        writeFile(QStringLiteral("admins.xml"),
                  "<jaas-config>\n"
                  "  <user><name>admin</name><password>" + hash(m_adminPassword) + "</password><role-name>ADMINISTRATOR</role-name></user>\n"
                  "  <user><name>viewer</name><password>" + hash(m_viewerPassword) + "</password><role-name>OBSERVER</role-name></user>\n"
                  "  <user><name>guest</name><password>" + hash(m_guestPassword) + "</password><role-name>GUEST</role-name></user>\n"
                  "</jaas-config>\n");
        writeFile(QStringLiteral("app-users.xml"),
                  "<jaas-config>\n  <user><name>alice</name><password>" + hash(madeUpPassword())
                      + "</password><role-name>USER</role-name></user>\n</jaas-config>\n");
        const QByteArray http = QByteArray::number(m_http);
        writeFile(QStringLiteral("gateway-config.xml"),
                  "<?xml version=\"1.0\"?>\n"
                  "<!-- The console tests' gateway. -->\n"
                  "<gateway-config>\n"
                  "  <service>\n"
                  "    <name>echo</name>\n"
                  "    <accept>ws://localhost:" + http + "/echo</accept>\n"
                  "    <type>echo</type>\n"
                  "  </service>\n\n"
                  "  <service>\n"
                  "    <name>app</name>\n"
                  "    <accept>ws://localhost:" + http + "/app</accept>\n"
                  "    <type>echo</type>\n"
                  "    <realm-name>app</realm-name>\n"
                  "  </service>\n\n"
                  "  <service>\n"
                  "    <name>management</name>\n"
                  "    <accept>wss://localhost:" + QByteArray::number(m_manage) + "/manage</accept>\n"
                  "    <type>management</type>\n"
                  "    <properties><read-only.role>OBSERVER</read-only.role></properties>\n"
                  "    <realm-name>administrators</realm-name>\n"
                  "  </service>\n\n"
                  "  <security>\n"
                  "    <keystore><file>keystore.p12</file><password-file>keystore.pw</password-file></keystore>\n"
                  "    <realm><name>administrators</name><authentication>\n"
                  "      <http-challenge-scheme>Application Basic</http-challenge-scheme>\n"
                  "      <login-modules><login-module><type>file</type><options><file>admins.xml</file></options></login-module></login-modules>\n"
                  "    </authentication></realm>\n"
                  "    <realm><name>app</name><authentication>\n"
                  "      <login-modules><login-module><type>file</type><options><file>app-users.xml</file></options></login-module></login-modules>\n"
                  "    </authentication></realm>\n"
                  "  </security>\n"
                  "</gateway-config>\n");
        m_written = true;
    }
    m_process.start(QStringLiteral(POSTERND_PATH), {QStringLiteral("--config"), m_dir.filePath(QStringLiteral("gateway-config.xml"))});
    if (!m_process.waitForStarted(10000)) {
        qWarning() << "posternd did not start:" << m_process.errorString();
        return false;
    }
    const bool up = QTest::qWaitFor([this] {
        return m_process.state() != QProcess::Running || (listening(m_manage) && listening(m_http));
    }, 20000) && m_process.state() == QProcess::Running;
    if (!up)
        qWarning().noquote() << "posternd is not listening:\n" << QString::fromUtf8(output());
    return up;
}

void TestGateway::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(15000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
    output();
}

Client::ConnectOptions TestGateway::connectOptions(const QString &user, const QString &password) const
{
    Client::ConnectOptions options;
    options.trust = Client::TrustPolicy::authorities({m_pki.caCertificate()});
    options.challengeHandler = std::make_shared<Client::BasicChallengeHandler>(
        [user, password](const Client::Challenge &challenge, Client::BasicChallengeHandler::CredentialsReply reply) {
            if (challenge.attempt > 1)
                reply(std::nullopt); // refused once: no second guess
            else
                reply(Client::Credentials{user, password});
        });
    return options;
}

QUrl TestGateway::managementUrl() const
{
    return QUrl(QStringLiteral("wss://localhost:%1/manage").arg(m_manage));
}

QUrl TestGateway::echoUrl() const
{
    return QUrl(QStringLiteral("ws://localhost:%1/echo").arg(m_http));
}

QByteArray TestGateway::fileText(const QString &name) const
{
    QFile file(m_dir.filePath(name));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QByteArray TestGateway::output()
{
    m_output += m_process.readAll();
    return m_output;
}

} // namespace Postern::Testing
