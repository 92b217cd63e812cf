#include "util/atomicfile.h"
#include "util/filechange.h"
#include "util/filereader.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <thread>

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

    void staleTemporaryFileIsReplacedNotKept()
    {
        // A writer killed before its rename leaves "<file>.postern-tmp" (nobody holds its lock):
        // the next write removes it and starts afresh, so its contents and its loose mode are
        // not carried over, and leftovers never pile up.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("secret"));
        const QString temporary = AtomicFile::temporaryPath(path);
        QCOMPARE(temporary, path + QStringLiteral(".postern-tmp"));
        QFile stale(temporary);
        QVERIFY(stale.open(QIODevice::WriteOnly) && stale.write("half a keystore and then some more") > 0);
        stale.close();
        QVERIFY(QFile::setPermissions(temporary, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther));
        QVERIFY(AtomicFile::write(path, "new", true));
        QCOMPARE(contents(path), QByteArray("new"));
        QVERIFY(!QFile::exists(temporary));
        QCOMPARE(QFileInfo(path).permissions() & others(), QFile::Permissions());
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("secret")});
    }

    void concurrentWritersTakeTurns()
    {
        // Two writers of one file (the gateway and postern-keytool): each write lands whole,
        // and a reader only ever sees one writer's contents, never a mix. (flock() locks
        // belong to open file descriptions, so two threads contend as two processes would.)
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("shared"));
        const QByteArray versions[2] = {QByteArray(256 * 1024, 'a'), QByteArray(256 * 1024, 'b')};
        QVERIFY(AtomicFile::write(path, versions[0], true));
        std::atomic<int> failures = 0;
        std::atomic<bool> writing = true;
        auto writer = [&](int version) {
            for (int i = 0; i < 100; ++i)
                if (!AtomicFile::write(path, versions[version], true, i % 2 ? AtomicFile::Backup::Keep : AtomicFile::Backup::None))
                    ++failures;
        };
        int mixed = 0;
        std::thread reader([&] {
            while (writing) {
                const QByteArray seen = contents(path);
                if (seen != versions[0] && seen != versions[1])
                    ++mixed;
            }
        });
        std::thread first(writer, 0), second(writer, 1);
        first.join();
        second.join();
        writing = false;
        reader.join();
        QCOMPARE(failures.load(), 0);
        QCOMPARE(mixed, 0);
        QVERIFY(contents(path) == versions[0] || contents(path) == versions[1]);
        QVERIFY(contents(path + QStringLiteral(".bak")) == versions[0] || contents(path + QStringLiteral(".bak")) == versions[1]);
        QVERIFY(!QFile::exists(AtomicFile::temporaryPath(path)));
    }

    void directoryInTheWayIsAnError()
    {
        QTemporaryDir dir;
        const auto written = AtomicFile::write(dir.path(), "x", false);
        QVERIFY(!written);
        QVERIFY2(written.error().contains(QStringLiteral("it is a directory")), qPrintable(written.error()));
    }

    void symbolicLinkIsFollowed()
    {
        QTemporaryDir dir;
        const QString real = dir.filePath(QStringLiteral("real"));
        const QString link = dir.filePath(QStringLiteral("link"));
        QVERIFY(AtomicFile::write(real, "old", false));
        QVERIFY(QFile::link(real, link));
        QVERIFY(AtomicFile::write(link, "new", false, AtomicFile::Backup::None));
        QVERIFY(QFileInfo(link).isSymLink());
        QCOMPARE(contents(real), QByteArray("new"));
    }

    static QByteArray contents(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("(missing)");
    }

    void readerStopsAtItsLimit()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("f"));
        QVERIFY(AtomicFile::write(path, QByteArray(100, 'x'), false));
        QCOMPARE(FileReader::read(path, 100, QStringLiteral("thing")).value(), QByteArray(100, 'x'));
        const auto tooLarge = FileReader::read(path, 99, QStringLiteral("thing"));
        QVERIFY(!tooLarge);
        QVERIFY2(tooLarge.error().contains(QStringLiteral("thing '") + path + QStringLiteral("' is larger than")),
                 qPrintable(tooLarge.error()));
    }

    void readerRefusesHugeFiles()
    {
        // Regression: a keystore path of /proc/self/pagemap (a "regular file" of 256 GiB)
        // made the gateway allocate until it died. A sparse file of 1 GiB stands for it.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("huge"));
        QFile huge(path);
        QVERIFY(huge.open(QIODevice::WriteOnly) && huge.resize(qint64(1) << 30));
        huge.close();
        const auto read = FileReader::read(path, FileReader::kKeystoreLimit, QStringLiteral("keystore"));
        QVERIFY(!read);
        QVERIFY2(read.error().contains(QStringLiteral("larger than 8 MiB")), qPrintable(read.error()));
        // pagemap itself refuses a read that large: an error either way, never its 256 GiB.
        QVERIFY(!FileReader::read(QStringLiteral("/proc/self/pagemap"), FileReader::kKeystoreLimit, QStringLiteral("keystore")));
        const auto missing = FileReader::read(QStringLiteral("/nonexistent/file"), 10, QStringLiteral("keystore"));
        QVERIFY(!missing);
        QVERIFY(missing.error().startsWith(QStringLiteral("cannot read keystore '/nonexistent/file'")));
    }

    void changeKeptMakesTheOldVersionTheBackup()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("f"));
        QVERIFY(AtomicFile::write(path, "one", false));
        auto change = FileChange::begin(path, 1024, true);
        QVERIFY(change);
        QVERIFY(change->write("two"));
        QVERIFY(!QFile::exists(path + QStringLiteral(".bak"))); // not before keep()
        QVERIFY(change->keep());
        QCOMPARE(contents(path), QByteArray("two"));
        QCOMPARE(contents(path + QStringLiteral(".bak")), QByteArray("one"));
        QCOMPARE(QFileInfo(path).permissions() & others(), QFile::Permissions());
    }

    void changeUndoneLeavesFileAndBackupAsTheyWere()
    {
        // Regression: a change the gateway refused replaced the backup with the refused version's predecessor.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("f"));
        QVERIFY(AtomicFile::write(path, "good-backup", false));
        QVERIFY(AtomicFile::write(path, "current", false));
        auto change = FileChange::begin(path, 1024, false);
        QVERIFY(change);
        QVERIFY(change->write("refused"));
        QCOMPARE(contents(path), QByteArray("refused"));
        QVERIFY(change->undo());
        QCOMPARE(contents(path), QByteArray("current"));
        QCOMPARE(contents(path + QStringLiteral(".bak")), QByteArray("good-backup"));
    }

    void changeOfANewFileUndoneRemovesIt()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("new"));
        auto change = FileChange::begin(path, 1024, false);
        QVERIFY(change);
        QVERIFY(change->write("x"));
        QVERIFY(change->undo());
        QVERIFY(!QFile::exists(path));
        QVERIFY(change->keep()); // nothing to keep
        QVERIFY(!QFile::exists(path + QStringLiteral(".bak")));
    }
};

QTEST_GUILESS_MAIN(TestAtomicFile)
#include "tst_atomicfile.moc"
