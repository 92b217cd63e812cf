#include "frontdoor/tlssettings.h"

#include <QtTest>

using Postern::Frontdoor::TlsSettings;

class TestTlsSettings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void protocols()
    {
        QCOMPARE(TlsSettings::resolve({QStringLiteral("TLSv1.2"), QStringLiteral("TLSv1.3")}, {})->protocol, QSsl::TlsV1_2OrLater);
        QCOMPARE(TlsSettings::resolve({QStringLiteral("TLSv1.3")}, {})->protocol, QSsl::TlsV1_3OrLater);
        QCOMPARE(TlsSettings::resolve({QStringLiteral("TLSv1.2")}, {})->protocol, QSsl::TlsV1_2);
    }

    void resolvesCipherStrings()
    {
        const auto one = TlsSettings::resolve({QStringLiteral("TLSv1.2")}, QStringLiteral("ECDHE-ECDSA-AES128-GCM-SHA256"));
        QVERIFY2(one, one ? "" : qPrintable(one.error()));
        QCOMPARE(one->ciphers.size(), 1);
        QCOMPARE(one->ciphers.first().name(), QStringLiteral("ECDHE-ECDSA-AES128-GCM-SHA256"));
        const auto family = TlsSettings::resolve({QStringLiteral("TLSv1.2")}, QStringLiteral("ECDHE+AESGCM:ECDHE+CHACHA20"));
        QVERIFY(family);
        QVERIFY(family->ciphers.size() >= 4);
    }

    void refuses_data()
    {
        QTest::addColumn<QString>("ciphers");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown") << "NO-SUCH-CIPHER" << "names no cipher";
        QTest::newRow("no authentication") << "aNULL" << "not safe";
        QTest::newRow("no encryption") << "eNULL" << "not safe";
        QTest::newRow("weak among strong") << "ECDHE+AESGCM:AECDH-AES128-SHA" << "not safe";
    }
    void refuses()
    {
        QFETCH(QString, ciphers);
        QFETCH(QString, message);
        const auto settings = TlsSettings::resolve({QStringLiteral("TLSv1.2")}, ciphers);
        QVERIFY(!settings);
        QVERIFY2(settings.error().contains(message), qPrintable(settings.error()));
    }
};

QTEST_GUILESS_MAIN(TestTlsSettings)
#include "tst_tlssettings.moc"
