#include "frontdoor/tlssettings.h"

#include <QtTest>

using Postern::Config::AcceptOptions;
using Postern::Frontdoor::TlsSettings;

namespace {

// Forward secret key exchange and authenticated encryption: what testssl.sh calls strong.
bool isEcdheAead(const QString &name)
{
    static const QRegularExpression strong(
        QStringLiteral("^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$"));
    return strong.match(name).hasMatch();
}

} // namespace

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

    // Found by the TLS audit (scripts/tls-audit.sh): without ssl.ciphers, a listener offered Qt's
    // default list, with CBC suites (testssl: LUCKY13 "potentially VULNERABLE") and PSK suites
    // (no certificate at all). The default is now ECDHE with AES-GCM or ChaCha20-Poly1305 only.
    void listenerDefaultIsForwardSecretAead()
    {
        const auto settings = TlsSettings::resolve(AcceptOptions{});
        QVERIFY2(settings, settings ? "" : qPrintable(settings.error()));
        QCOMPARE(settings->protocol, QSsl::TlsV1_2OrLater);
        QVERIFY(!settings->ciphers.isEmpty());
        QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
        settings->applyTo(configuration);
        int tls12 = 0;
        int tls13 = 0;
        for (const QSslCipher &cipher : configuration.ciphers()) {
            if (cipher.protocol() == QSsl::TlsV1_3) {
                ++tls13;
                continue;
            }
            ++tls12;
            QVERIFY2(isEcdheAead(cipher.name()), qPrintable(cipher.name()));
        }
        QVERIFY(tls12 >= 4); // AES-128/256-GCM and ChaCha20, for ECDSA and RSA keys
        QVERIFY(tls13 >= 3); // TLS 1.3 keeps its suites
    }

    void listenerCiphersStillConfigurable()
    {
        AcceptOptions options;
        options.sslCiphers = QStringLiteral("ECDHE-ECDSA-AES256-GCM-SHA384");
        const auto settings = TlsSettings::resolve(options);
        QVERIFY(settings);
        QCOMPARE(settings->ciphers.size(), 1);
        QCOMPARE(settings->ciphers.first().name(), QStringLiteral("ECDHE-ECDSA-AES256-GCM-SHA384"));
    }

    // Postern has no pre-shared keys or SRP passwords: such suites would be offered for nothing.
    void leavesOutSharedSecretSuites()
    {
        const auto settings = TlsSettings::resolve({QStringLiteral("TLSv1.2")}, QStringLiteral("HIGH:!aNULL"));
        QVERIFY2(settings, settings ? "" : qPrintable(settings.error()));
        QVERIFY(!settings->ciphers.isEmpty());
        for (const QSslCipher &cipher : settings->ciphers)
            QVERIFY2(!cipher.name().contains(QStringLiteral("PSK")) && !cipher.name().contains(QStringLiteral("SRP")),
                     qPrintable(cipher.name()));
        const auto onlyPsk = TlsSettings::resolve({QStringLiteral("TLSv1.2")}, QStringLiteral("PSK:!eNULL"));
        QVERIFY(!onlyPsk);
        QVERIFY2(onlyPsk.error().contains(QStringLiteral("leaves no TLS 1.2 cipher")), qPrintable(onlyPsk.error()));
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
