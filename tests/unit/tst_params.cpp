#include "management/params.h"

#include <QJsonDocument>
#include <QtTest>

#include <limits>

using namespace Postern::Management;

class TestParams : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void wholeNumbers_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<qint64>("minimum");
        QTest::addColumn<qint64>("maximum");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<qint64>("expected");
        constexpr qint64 kMin = std::numeric_limits<qint64>::min();
        constexpr qint64 kMax = std::numeric_limits<qint64>::max();
        QTest::newRow("in range") << QByteArray("[42]") << qint64(1) << qint64(100) << true << qint64(42);
        QTest::newRow("fraction") << QByteArray("[1.5]") << qint64(1) << qint64(100) << false << qint64(0);
        QTest::newRow("string") << QByteArray("[\"1\"]") << qint64(1) << qint64(100) << false << qint64(0);
        QTest::newRow("above") << QByteArray("[101]") << qint64(1) << qint64(100) << false << qint64(0);
        QTest::newRow("huge") << QByteArray("[1e300]") << kMin << kMax << false << qint64(0);
        // Found by fuzz_managementrequest: 2^63 is the double nearest to qint64's maximum, so
        // it passed "number > double(maximum)" and its conversion to qint64 was undefined.
        QTest::newRow("2^63 with the widest range") << QByteArray("[9223372036854775807]") << kMin << kMax << false
                                                    << qint64(0);
        QTest::newRow("-2^63 with the widest range") << QByteArray("[-9223372036854775808]") << kMin << kMax << true
                                                     << kMin;
        QTest::newRow("largest double below 2^63") << QByteArray("[9223372036854774784]") << kMin << kMax << true
                                                   << qint64(9223372036854774784);
        QTest::newRow("below -2^63") << QByteArray("[-9223372036854777856]") << kMin << kMax << false << qint64(0);
    }

    void wholeNumbers()
    {
        QFETCH(QByteArray, json);
        QFETCH(qint64, minimum);
        QFETCH(qint64, maximum);
        QFETCH(bool, accepted);
        QFETCH(qint64, expected);
        const QJsonValue value = QJsonDocument::fromJson(json).array().first();
        const auto number = Params::wholeNumber(value, minimum, maximum);
        QCOMPARE(number.has_value(), accepted);
        if (accepted)
            QCOMPARE(*number, expected);
    }

    void integerNamesTheParameter()
    {
        const Params params(QJsonObject{{QStringLiteral("lines"), 9.3e18}});
        const auto lines = params.integer(QStringLiteral("lines"), 100, 1, std::numeric_limits<qint64>::max());
        QVERIFY(!lines);
        QCOMPARE(lines.error().field, QStringLiteral("params.lines"));
    }
};

QTEST_GUILESS_MAIN(TestParams)
#include "tst_params.moc"
