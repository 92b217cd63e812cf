#include "config/valueparser.h"

#include <QtTest>

using namespace Postern::Config;
using namespace std::chrono_literals;

class TestValueParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void duration_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("milliseconds"); // -1: refused
        QTest::newRow("bare number is seconds") << "30" << qint64(30'000);
        QTest::newRow("s") << "30s" << qint64(30'000);
        QTest::newRow("secs with space") << "1800 secs" << qint64(1'800'000);
        QTest::newRow("min") << "3 min" << qint64(180'000);
        QTest::newRow("minutes") << "2 minutes" << qint64(120'000);
        QTest::newRow("ms") << "500ms" << qint64(500);
        QTest::newRow("h") << "2h" << qint64(7'200'000);
        QTest::newRow("upper case") << "10S" << qint64(10'000);
        QTest::newRow("zero") << "0" << qint64(0);
        QTest::newRow("surrounding space") << "  5s  " << qint64(5'000);
        QTest::newRow("empty") << "" << qint64(-1);
        QTest::newRow("negative") << "-5s" << qint64(-1);
        QTest::newRow("fraction") << "1.5s" << qint64(-1);
        QTest::newRow("unknown unit") << "5 fortnights" << qint64(-1);
        QTest::newRow("unit only") << "s" << qint64(-1);
        QTest::newRow("two numbers") << "5 5s" << qint64(-1);
        QTest::newRow("longest timer") << "596h" << qint64(596LL * 3'600'000);
        QTest::newRow("longer than a timer") << "597h" << qint64(-1);
        QTest::newRow("overflow") << "999999999999h" << qint64(-1);
    }
    void duration()
    {
        QFETCH(QString, text);
        QFETCH(qint64, milliseconds);
        const auto parsed = ValueParser::parseDuration(text);
        if (milliseconds < 0) {
            QVERIFY2(!parsed, qPrintable(text));
        } else {
            QVERIFY2(parsed, qPrintable(text));
            QCOMPARE(parsed->count(), milliseconds);
        }
    }

    void size_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("bytes"); // -1: refused
        QTest::newRow("bytes") << "512" << qint64(512);
        QTest::newRow("k") << "128k" << qint64(128 * 1024);
        QTest::newRow("K") << "128K" << qint64(128 * 1024);
        QTest::newRow("kB") << "64kB" << qint64(64 * 1024);
        QTest::newRow("m") << "1m" << qint64(1024 * 1024);
        QTest::newRow("g") << "2g" << qint64(2LL * 1024 * 1024 * 1024);
        QTest::newRow("space") << "16 k" << qint64(16 * 1024);
        QTest::newRow("empty") << "" << qint64(-1);
        QTest::newRow("negative") << "-1k" << qint64(-1);
        QTest::newRow("unknown unit") << "3t" << qint64(-1);
        QTest::newRow("fraction") << "1.5m" << qint64(-1);
    }
    void size()
    {
        QFETCH(QString, text);
        QFETCH(qint64, bytes);
        const auto parsed = ValueParser::parseSize(text);
        if (bytes < 0) {
            QVERIFY2(!parsed, qPrintable(text));
        } else {
            QVERIFY2(parsed, qPrintable(text));
            QCOMPARE(*parsed, bytes);
        }
    }

    void formatDuration()
    {
        QCOMPARE(ValueParser::formatDuration(30s), QStringLiteral("30s"));
        QCOMPARE(ValueParser::formatDuration(500ms), QStringLiteral("500ms"));
        QCOMPARE(ValueParser::formatDuration(3min), QStringLiteral("3min"));
    }
};

QTEST_GUILESS_MAIN(TestValueParser)
#include "tst_valueparser.moc"
