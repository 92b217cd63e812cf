#include "auth/passwordhasher.h"

#include <QProcess>
#include <QtTest>

using namespace Postern::Auth;

class TestPasswordHasher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hashesAndVerifies()
    {
        const auto hashed = PasswordHasher::hash("correct horse");
        QVERIFY2(hashed, hashed ? "" : qPrintable(hashed.error()));
        QVERIFY(hashed->startsWith("$argon2id$v=19$m=19456,t=2,p=1$"));
        QVERIFY(PasswordHasher::isHash(*hashed));
        QVERIFY(PasswordHasher::verify("correct horse", *hashed));
        QVERIFY(!PasswordHasher::verify("correct horsf", *hashed));
        QVERIFY(!PasswordHasher::verify("", *hashed));
    }

    void saltsDiffer()
    {
        QVERIFY(*PasswordHasher::hash("same") != *PasswordHasher::hash("same"));
    }

    void refusesWhatIsNotAHash()
    {
        QVERIFY(!PasswordHasher::isHash("plain-text-password"));
        QVERIFY(!PasswordHasher::verify("plain-text-password", "plain-text-password"));
        QVERIFY(!PasswordHasher::verify("x", "$argon2id$v=19$m=19456,t=2,p=1$broken"));
        QVERIFY(!PasswordHasher::verify("x", "$argon2i$v=19$m=16,t=2,p=1$c2FsdHNhbHQ$aGFzaA")); // not argon2id
    }

    void readsHashesOtherToolsMake()
    {
        // Debian's argon2 command line, from the same reference library but another program.
        QProcess argon2;
        argon2.start(QStringLiteral("argon2"), {QStringLiteral("somesaltsalt"), QStringLiteral("-id"), QStringLiteral("-t"),
                                                QStringLiteral("2"), QStringLiteral("-m"), QStringLiteral("12"),
                                                QStringLiteral("-p"), QStringLiteral("1"), QStringLiteral("-e")});
        QVERIFY2(argon2.waitForStarted(10000), "the argon2 command is missing (scripts/deps.sh installs it)");
        argon2.write("from another tool");
        argon2.closeWriteChannel();
        QVERIFY(argon2.waitForFinished(30000));
        const QByteArray encoded = argon2.readAllStandardOutput().trimmed();
        QVERIFY2(encoded.startsWith("$argon2id$"), encoded.constData());
        QVERIFY(PasswordHasher::verify("from another tool", encoded));
        QVERIFY(!PasswordHasher::verify("from another tooL", encoded));
    }
};

QTEST_GUILESS_MAIN(TestPasswordHasher)
#include "tst_passwordhasher.moc"
