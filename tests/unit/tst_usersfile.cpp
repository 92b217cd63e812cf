#include "auth/passwordhasher.h"
#include "auth/realm.h"
#include "auth/usersfile.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace Postern;
using namespace Postern::Auth;

class TestUsersFile : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString write(const QByteArray &xml)
    {
        const QString path = m_dir.filePath(QStringLiteral("users-%1.xml").arg(++m_count));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(xml) < 0)
            qFatal("cannot write users file");
        return path;
    }
    int m_count = 0;

private Q_SLOTS:
    void hashedAndPlainUsers()
    {
        const QByteArray hash = *PasswordHasher::hash("alice-secret");
        const QString path = write("<jaas-config xmlns=\"http://xmlns.kaazing.com/jaas-config/centurion\">\n"
                                   "  <user><name>alice</name><password>" + hash + "</password>"
                                   "<role-name>AUTHORIZED</role-name><role-name>ADMINISTRATOR</role-name></user>\n"
                                   "  <user><name>bob</name><password>bob-plain</password><role-name>GUEST</role-name></user>\n"
                                   "  <role><name>AUTHORIZED</name><description>Users</description></role>\n"
                                   "</jaas-config>\n");
        QStringList warnings;
        const auto users = UsersFile::load(path, &warnings);
        QVERIFY2(users, users ? "" : qPrintable(users.error()));
        QCOMPARE(users->size(), 2);
        QCOMPARE(warnings.size(), 1); // bob's plain-text password, named
        QVERIFY(warnings.first().contains(QStringLiteral("user 'bob' has a plain-text password")));
        QVERIFY(!warnings.first().contains(QStringLiteral("bob-plain")));
        QCOMPARE(*users->authenticate(QStringLiteral("alice"), "alice-secret"),
                 (QStringList{QStringLiteral("AUTHORIZED"), QStringLiteral("ADMINISTRATOR")}));
        QVERIFY(!users->authenticate(QStringLiteral("alice"), "alice-secreT"));
        QCOMPARE(*users->authenticate(QStringLiteral("bob"), "bob-plain"), QStringList{QStringLiteral("GUEST")});
        QVERIFY(!users->authenticate(QStringLiteral("bob"), "bob-plai"));
        QVERIFY(!users->authenticate(QStringLiteral("carol"), "anything"));
    }

    void refusesBadFiles_data()
    {
        QTest::addColumn<QByteArray>("xml");
        QTest::addColumn<QString>("message");
        QTest::newRow("wrong root") << QByteArray("<users/>") << "root element must be <jaas-config>";
        QTest::newRow("no password") << QByteArray("<jaas-config><user><name>a</name></user></jaas-config>") << "user 'a' has no <password>";
        QTest::newRow("no name") << QByteArray("<jaas-config><user><password>x</password></user></jaas-config>") << "has no <name>";
        QTest::newRow("twice") << QByteArray("<jaas-config><user><name>a</name><password>x</password></user>"
                                             "<user><name>a</name><password>y</password></user></jaas-config>")
                               << "user 'a' appears twice";
        QTest::newRow("unknown element") << QByteArray("<jaas-config><user><name>a</name><pass>x</pass></user></jaas-config>")
                                         << "unknown element <pass>";
        QTest::newRow("malformed") << QByteArray("<jaas-config><user>") << "malformed XML";
    }
    void refusesBadFiles()
    {
        QFETCH(QByteArray, xml);
        QFETCH(QString, message);
        const QString path = write(xml);
        const auto users = UsersFile::load(path);
        QVERIFY(!users);
        QVERIFY2(users.error().contains(message), qPrintable(users.error()));
        QVERIFY(users.error().startsWith(path + u':'));
    }

    void realmChallenges()
    {
        const QString path = write("<jaas-config><user><name>a</name><password>" + *PasswordHasher::hash("pw")
                                   + "</password></user></jaas-config>");
        Config::RealmConfig config;
        config.name = QStringLiteral("demo");
        config.challengeScheme = QStringLiteral("Application Basic");
        Config::LoginModuleConfig module;
        module.type = QStringLiteral("file");
        module.success = QStringLiteral("required");
        module.options.insert(QStringLiteral("file"), path);
        config.loginModules = {module};
        const auto realm = Realm::create(config, {}, nullptr);
        QVERIFY(realm);
        QCOMPARE((*realm)->challenge(), QByteArray("Application Basic realm=\"demo\""));
        Credentials credentials;
        credentials.user = QStringLiteral("a");
        credentials.password = "pw";
        QVERIFY((*realm)->login(credentials));
        config.loginModules.first().options.insert(QStringLiteral("file"), m_dir.filePath(QStringLiteral("absent.xml")));
        const auto broken = Realm::create(config, {}, nullptr);
        QVERIFY(!broken);
        QVERIFY(broken.error().contains(QStringLiteral("realm 'demo'")));
    }
};

QTEST_GUILESS_MAIN(TestUsersFile)
#include "tst_usersfile.moc"
