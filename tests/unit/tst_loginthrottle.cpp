#include "auth/loginthrottle.h"

#include <QtTest>

using Postern::Auth::LoginThrottle;
using namespace std::chrono_literals;

class TestLoginThrottle : public QObject
{
    Q_OBJECT

private:
    const QDateTime m_start = QDateTime(QDate(2026, 1, 1), QTime(12, 0), Qt::UTC);

private Q_SLOTS:
    void blocksAnAddressAfterTheMaximum()
    {
        LoginThrottle throttle(3, 60s);
        QVERIFY(!throttle.recordFailure(QStringLiteral("10.0.0.1"), QStringLiteral("a"), m_start));
        QVERIFY(!throttle.recordFailure(QStringLiteral("10.0.0.1"), QStringLiteral("b"), m_start.addSecs(1)));
        QCOMPARE(throttle.retryAfter(QStringLiteral("10.0.0.1"), QStringLiteral("c"), m_start.addSecs(2)), 0);
        QVERIFY(throttle.recordFailure(QStringLiteral("10.0.0.1"), QStringLiteral("c"), m_start.addSecs(2))); // starts the block
        QCOMPARE(throttle.retryAfter(QStringLiteral("10.0.0.1"), QStringLiteral("d"), m_start.addSecs(2)), 58);
        QCOMPARE(throttle.retryAfter(QStringLiteral("10.0.0.2"), QStringLiteral("d"), m_start.addSecs(2)), 0);
        QVERIFY(!throttle.recordFailure(QStringLiteral("10.0.0.1"), QStringLiteral("e"), m_start.addSecs(3))); // logged once
        QCOMPARE(throttle.retryAfter(QStringLiteral("10.0.0.1"), {}, m_start.addSecs(60)), 0); // the window is over
    }

    void blocksAUserFromEveryAddress()
    {
        // A distributed guess against one account is still one account's failures.
        LoginThrottle throttle(2, 30s);
        QVERIFY(!throttle.recordFailure(QStringLiteral("10.0.0.1"), QStringLiteral("admin"), m_start));
        QVERIFY(throttle.recordFailure(QStringLiteral("10.0.0.2"), QStringLiteral("admin"), m_start));
        QCOMPARE(throttle.retryAfter(QStringLiteral("10.0.0.3"), QStringLiteral("admin"), m_start.addSecs(10)), 20);
        QCOMPARE(throttle.retryAfter(QStringLiteral("10.0.0.3"), QStringLiteral("alice"), m_start.addSecs(10)), 0);
    }

    void aNewWindowStartsAgain()
    {
        LoginThrottle throttle(2, 10s);
        throttle.recordFailure(QStringLiteral("a"), {}, m_start);
        throttle.recordFailure(QStringLiteral("a"), {}, m_start.addSecs(11)); // the first has expired
        QCOMPARE(throttle.retryAfter(QStringLiteral("a"), {}, m_start.addSecs(11)), 0);
    }
};

QTEST_GUILESS_MAIN(TestLoginThrottle)
#include "tst_loginthrottle.moc"
