// kill -9 at any moment during a write of the configuration, a users file or a keystore leaves
// the old file or the new one, never a torn or missing one; and what a killed writer leaves
// behind neither piles up nor breaks the next write. postern-state-writer (tests/fault/)
// writes two versions of each file in turn through the product's code paths; this test kills
// it with SIGKILL at random moments, hundreds of times, and after each kill checks that every
// file is byte for byte one of its two versions and loads with the product's own loaders.
// (A keystore load takes a deliberately slow key derivation, most of a second: the keystore is
// compared byte for byte after every kill, both of its versions are loaded once, and the
// keystore and its backup themselves are loaded every 25th kill and after the last.)

#include "auth/usersfile.h"
#include "config/configloader.h"
#include "testpki.h"
#include "tls/keystore.h"
#include "util/atomicfile.h"

#include <QDir>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

using namespace Postern;

namespace {

constexpr int kKills = 300;
const QByteArray kPassword = "crash-safety-test";

QByteArray configText(const QString &service)
{
    return QStringLiteral("<?xml version=\"1.0\"?>\n<gateway-config>\n  <!-- version %1 -->\n  <service>\n"
                          "    <name>%1</name>\n    <accept>ws://localhost:8000/%1</accept>\n    <type>echo</type>\n"
                          "  </service>\n</gateway-config>\n").arg(service).toUtf8();
}

QByteArray usersText(const QStringList &names)
{
    QByteArray xml = "<?xml version=\"1.0\"?>\n<jaas-config>\n";
    for (const QString &name : names)
        xml += "  <user><name>" + name.toUtf8() + "</name><password>not-a-real-password</password>"
               "<role-name>AUTHORIZED</role-name></user>\n";
    return xml + "</jaas-config>\n";
}

QByteArray contents(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QStringList aliasesAndSerials(const Tls::Keystore &keystore)
{
    QStringList result;
    for (const auto &entry : keystore.entries())
        result << entry.alias() + u':' + QString::fromLatin1(entry.certificate().serialNumber());
    return result;
}

} // namespace

class TestCrashSafety : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QByteArray m_configs[2];
    QByteArray m_users[2];        // as UsersFile::toXml() writes them
    QStringList m_userNames[2];
    QStringList m_keystores[2];   // aliases and serial numbers
    QByteArray m_keystoreBytes[2];
    int m_killedMidWrite = 0;     // kills that left a temporary file: the write was cut short
    QMap<QString, int> m_cutShort; // per file

    QString state(const QString &name) const { return m_dir.filePath(QStringLiteral("state/") + name); }

    // Which version (0 or 1) the file is; fails the test when it is neither or does not load.
    void checkConfig(const QString &path, int *version)
    {
        const QByteArray text = contents(path);
        QVERIFY2(text == m_configs[0] || text == m_configs[1], qPrintable(QStringLiteral("%1 is torn: %2 bytes").arg(path).arg(text.size())));
        const auto config = Config::ConfigLoader::loadFile(path);
        QVERIFY2(config, qPrintable(path));
        *version = text == m_configs[0] ? 0 : 1;
        QCOMPARE(config->services.value(0).name, *version == 0 ? QStringLiteral("alpha") : QStringLiteral("beta"));
    }

    void checkUsers(const QString &path, int *version)
    {
        const auto users = Auth::UsersFile::load(path);
        QVERIFY2(users, qPrintable(users ? QString() : users.error()));
        QStringList names;
        for (const auto &user : users->users())
            names << user.name;
        QVERIFY2(names == m_userNames[0] || names == m_userNames[1], qPrintable(path + u": " + names.join(u',')));
        *version = names == m_userNames[0] ? 0 : 1;
        QCOMPARE(contents(path), m_users[*version]);
    }

    void checkKeystore(const QString &path, int *version, bool load)
    {
        const QByteArray bytes = contents(path);
        QVERIFY2(bytes == m_keystoreBytes[0] || bytes == m_keystoreBytes[1],
                 qPrintable(QStringLiteral("%1 is torn: %2 bytes").arg(path).arg(bytes.size())));
        *version = bytes == m_keystoreBytes[0] ? 0 : 1;
        if (!load)
            return;
        const auto keystore = Tls::Keystore::load(path, kPassword);
        QVERIFY2(keystore, qPrintable(keystore ? QString() : keystore.error()));
        const QStringList entries = aliasesAndSerials(*keystore);
        QCOMPARE(entries, m_keystores[*version]);
        QVERIFY(keystore->entries().first().key()); // the private key came through whole
    }

    // Every file (and every backup, once there is one) loads and is one of the versions; the
    // folder holds nothing else but at most one temporary file per state file.
    void checkState(bool loadKeystores)
    {
        int version = -1;
        checkConfig(state(QStringLiteral("gateway-config.xml")), &version);
        if (QTest::currentTestFailed())
            return;
        checkUsers(state(QStringLiteral("users.xml")), &version);
        if (QTest::currentTestFailed())
            return;
        checkKeystore(state(QStringLiteral("keystore.p12")), &version, loadKeystores);
        if (QTest::currentTestFailed())
            return;
        if (QFile::exists(state(QStringLiteral("gateway-config.xml.bak"))))
            checkConfig(state(QStringLiteral("gateway-config.xml.bak")), &version);
        if (QFile::exists(state(QStringLiteral("users.xml.bak"))))
            checkUsers(state(QStringLiteral("users.xml.bak")), &version);
        if (QFile::exists(state(QStringLiteral("keystore.p12.bak"))))
            checkKeystore(state(QStringLiteral("keystore.p12.bak")), &version, loadKeystores);
        if (QTest::currentTestFailed())
            return;
        QStringList allowed;
        for (const QString &name : {QStringLiteral("gateway-config.xml"), QStringLiteral("users.xml"), QStringLiteral("keystore.p12")})
            allowed << name << name + QStringLiteral(".bak") << QFileInfo(Util::AtomicFile::temporaryPath(name)).fileName()
                    << QFileInfo(Util::AtomicFile::temporaryPath(name + QStringLiteral(".bak"))).fileName();
        const QStringList present = QDir(m_dir.filePath(QStringLiteral("state"))).entryList(QDir::Files | QDir::Hidden | QDir::System);
        bool leftover = false;
        for (const QString &name : present) {
            QVERIFY2(allowed.contains(name), qPrintable(QStringLiteral("unexpected file in the state folder: ") + name));
            if (name.endsWith(u".postern-tmp")) {
                leftover = true;
                ++m_cutShort[name.section(u'.', 0, 0)];
            }
        }
        if (leftover)
            ++m_killedMidWrite;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(QDir(m_dir.path()).mkdir(QStringLiteral("state")));
        auto write = [&](const QString &name, const QByteArray &data) {
            QFile file(m_dir.filePath(name));
            QVERIFY(file.open(QIODevice::WriteOnly) && file.write(data) == data.size());
        };
        m_configs[0] = configText(QStringLiteral("alpha"));
        m_configs[1] = configText(QStringLiteral("beta"));
        write(QStringLiteral("config-a.xml"), m_configs[0]);
        write(QStringLiteral("config-b.xml"), m_configs[1]);
        m_userNames[0] = {QStringLiteral("alice")};
        m_userNames[1] = {QStringLiteral("bob"), QStringLiteral("carol")};
        write(QStringLiteral("users-a.xml"), usersText(m_userNames[0]));
        write(QStringLiteral("users-b.xml"), usersText(m_userNames[1]));
        for (int i = 0; i < 2; ++i) {
            const auto users = Auth::UsersFile::load(m_dir.filePath(i == 0 ? QStringLiteral("users-a.xml") : QStringLiteral("users-b.xml")));
            QVERIFY(users);
            m_users[i] = users->toXml();
        }
            const Testing::TestPki pki;
        for (int i = 0; i < 2; ++i) {
            Tls::Keystore keystore;
            keystore.insert(pki.serverEntry(i == 0 ? QStringLiteral("alpha") : QStringLiteral("beta"), {QStringLiteral("localhost")}));
            if (i == 1)
                keystore.insert(pki.serverEntry(QStringLiteral("gamma"), {QStringLiteral("gamma.test")}));
            const QString path = m_dir.filePath(i == 0 ? QStringLiteral("keystore-a.p12") : QStringLiteral("keystore-b.p12"));
            QVERIFY(keystore.save(path, kPassword));
            m_keystores[i] = aliasesAndSerials(keystore);
            m_keystoreBytes[i] = contents(path);
            const auto loaded = Tls::Keystore::load(path, kPassword);
            QVERIFY(loaded);
            QCOMPARE(aliasesAndSerials(*loaded), m_keystores[i]);
        }
        QVERIFY(m_keystores[0] != m_keystores[1]);
        // The state starts as version a, without backups.
        write(QStringLiteral("state/gateway-config.xml"), m_configs[0]);
        write(QStringLiteral("state/users.xml"), m_users[0]);
        QVERIFY(QFile::copy(m_dir.filePath(QStringLiteral("keystore-a.p12")), state(QStringLiteral("keystore.p12"))));
    }

    void killedAtRandomMomentsLeavesOldOrNewNeverTorn()
    {
        const quint32 seed = QRandomGenerator::global()->generate();
        qInfo("random delays from seed %u", seed);
        QRandomGenerator random(seed);
        int versionsSeen[2] = {0, 0};
        for (int kill = 0; kill < kKills; ++kill) {
            QProcess writer;
            writer.setProgram(QStringLiteral(STATE_WRITER_PATH));
            writer.setArguments({m_dir.path(), QString::number(kill % 3)});
            // "ready": it is about to write. Waited for by signals, not by polling, so that
            // hundreds of rounds stay quick.
            QByteArray output;
            {
                QEventLoop loop;
                connect(&writer, &QProcess::readyReadStandardOutput, &loop, [&] {
                    output += writer.readAllStandardOutput();
                    if (output.contains("ready"))
                        loop.quit();
                });
                connect(&writer, &QProcess::finished, &loop, &QEventLoop::quit);
                connect(&writer, &QProcess::errorOccurred, &loop, &QEventLoop::quit);
                QTimer::singleShot(20000, &loop, &QEventLoop::quit);
                writer.start();
                loop.exec();
            }
            QVERIFY2(output.contains("ready") && writer.state() == QProcess::Running,
                     qPrintable(QStringLiteral("the writer did not start: %1 %2").arg(writer.errorString(),
                                                                                                    QString::fromLocal8Bit(writer.readAllStandardError()))));
            QTest::qWait(int(random.bounded(40)));
            QSignalSpy finished(&writer, &QProcess::finished);
            writer.kill(); // SIGKILL
            QVERIFY(finished.wait(10000));
            // Killed, not stopped by a failed write (over what the last kill left, say).
            QVERIFY2(writer.exitStatus() == QProcess::CrashExit,
                     qPrintable(QStringLiteral("the writer failed: ") + QString::fromLocal8Bit(writer.readAllStandardError())));
            checkState(kill % 25 == 24 || kill == kKills - 1);
            if (QTest::currentTestFailed())
                QFAIL(qPrintable(QStringLiteral("after kill %1 of %2").arg(kill + 1).arg(kKills)));
            ++versionsSeen[contents(state(QStringLiteral("gateway-config.xml"))) == m_configs[0] ? 0 : 1];
        }
        qInfo("%d kills: config version a %d times, b %d times; %d kills cut a write short (a temporary file was left)",
              kKills, versionsSeen[0], versionsSeen[1], m_killedMidWrite);
        qInfo("writes cut short: gateway-config %d, users %d, keystore %d", m_cutShort.value(QStringLiteral("gateway-config")),
              m_cutShort.value(QStringLiteral("users")), m_cutShort.value(QStringLiteral("keystore")));
        // Both versions were seen: the kills landed at different moments of the writing.
        QVERIFY(versionsSeen[0] > 0 && versionsSeen[1] > 0);
    }
};

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "tst_crashsafety.moc"
