#include "util/atomicfile.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace Postern::Util;

class TestAtomicFile : public QObject
{
    Q_OBJECT

private:
    static QFile::Permissions others() { return QFile::ReadGroup | QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther; }

private Q_SLOTS:
    void writesAndKeepsOneBackup()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("f"));
        QVERIFY(AtomicFile::write(path, "one", false));
        QVERIFY(AtomicFile::write(path, "two", false));
        QVERIFY(AtomicFile::write(path, "three", false));
        QFile file(path), backup(path + QStringLiteral(".bak"));
        QVERIFY(file.open(QIODevice::ReadOnly) && backup.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("three"));
        QCOMPARE(backup.readAll(), QByteArray("two"));
    }

    void ownerOnlyEvenOverALooseFile()
    {
        // Regression: a keystore someone made 0644 stayed 0644, and so did its backup.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("secret"));
        QVERIFY(AtomicFile::write(path, "old", false));
        QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther));
        QVERIFY(AtomicFile::write(path, "new", true));
        QCOMPARE(QFileInfo(path).permissions() & others(), QFile::Permissions());
        QCOMPARE(QFileInfo(path + QStringLiteral(".bak")).permissions() & others(), QFile::Permissions());
    }

    void newSecretIsOwnerOnly()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("fresh"));
        QVERIFY(AtomicFile::write(path, "x", true));
        QCOMPARE(QFileInfo(path).permissions() & others(), QFile::Permissions());
    }

    void unwritablePlaceIsAnError()
    {
        const auto written = AtomicFile::write(QStringLiteral("/proc/postern-cannot-write-here"), "x", false);
        QVERIFY(!written);
        QVERIFY(written.error().contains(QStringLiteral("cannot write")));
    }
};

QTEST_GUILESS_MAIN(TestAtomicFile)
#include "tst_atomicfile.moc"
