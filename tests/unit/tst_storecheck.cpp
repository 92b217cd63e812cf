#include "testpki.h"
#include "tls/certificatefactory.h"
#include "tls/certificateimporter.h"
#include "tls/storecheck.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace Postern;
using namespace Postern::Tls;
using Postern::Testing::TestPki;

class TestStoreCheck : public QObject
{
    Q_OBJECT

private:
    TestPki m_pki;

    KeystoreEntry entryValid(const QString &alias, const QDateTime &from, const QDateTime &to)
    {
        const SharedKey key = *CertificateFactory::generateKey({KeySpec::Type::EcP256, 0});
        CertificateRequest request;
        request.dnsNames = {alias + QStringLiteral(".test")};
        request.notBefore = from;
        request.notAfter = to;
        return KeystoreEntry(alias, key, {m_pki.sign(key.get(), request), m_pki.caCertificateHandle()});
    }

    static QStringList kinds(const QList<StoreCheck::Finding> &findings, const QString &alias)
    {
        QStringList result;
        for (const auto &finding : findings)
            if (finding.alias == alias)
                result << finding.kind;
        return result;
    }

    static bool run(const QStringList &arguments, const QString &dir)
    {
        QProcess process;
        process.setWorkingDirectory(dir);
        process.start(QStringLiteral("openssl"), arguments);
        return process.waitForFinished(60000) && process.exitCode() == 0;
    }

private Q_SLOTS:
    void validity()
    {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        Keystore store;
        store.insert(entryValid(QStringLiteral("expired"), now.addDays(-20), now.addDays(-1)));
        store.insert(entryValid(QStringLiteral("future"), now.addDays(2), now.addDays(20)));
        store.insert(entryValid(QStringLiteral("soon"), now.addDays(-1), now.addDays(10)));
        store.insert(entryValid(QStringLiteral("fine"), now.addDays(-1), now.addDays(25)));
        const auto findings = StoreCheck::check(store, 20, now);
        QCOMPARE(kinds(findings, QStringLiteral("expired")), QStringList{QStringLiteral("expired")});
        QCOMPARE(kinds(findings, QStringLiteral("future")), QStringList{QStringLiteral("not-yet-valid")});
        QCOMPARE(kinds(findings, QStringLiteral("soon")), QStringList{QStringLiteral("expiring")});
        QVERIFY(kinds(findings, QStringLiteral("fine")).isEmpty());
        // The test CA itself (30 days) is within a 40-day horizon: chain certificates count too.
        const auto wider = StoreCheck::check(store, 40, now);
        QVERIFY(std::any_of(wider.cbegin(), wider.cend(), [](const StoreCheck::Finding &f) {
            return f.alias == u"fine" && f.message.contains(QStringLiteral("chain certificate 2"));
        }));
    }

    void weakKeyAndSignature()
    {
        // Made with the openssl command line: Postern itself refuses to make either.
        QTemporaryDir dir;
        QVERIFY(run({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                     QStringLiteral("-nodes"), QStringLiteral("-keyout"), QStringLiteral("ca.key"), QStringLiteral("-out"),
                     QStringLiteral("ca.crt"), QStringLiteral("-subj"), QStringLiteral("/CN=Old CA"), QStringLiteral("-days"),
                     QStringLiteral("5")}, dir.path()));
        QVERIFY(run({QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("rsa:1024"), QStringLiteral("-nodes"),
                     QStringLiteral("-keyout"), QStringLiteral("weak.key"), QStringLiteral("-out"), QStringLiteral("weak.csr"),
                     QStringLiteral("-subj"), QStringLiteral("/CN=weak.test")}, dir.path()));
        QVERIFY(run({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-sha1"), QStringLiteral("-in"),
                     QStringLiteral("weak.csr"), QStringLiteral("-CA"), QStringLiteral("ca.crt"), QStringLiteral("-CAkey"),
                     QStringLiteral("ca.key"), QStringLiteral("-CAcreateserial"), QStringLiteral("-out"),
                     QStringLiteral("weak.crt"), QStringLiteral("-days"), QStringLiteral("5")}, dir.path()));
        QFile certificate(dir.filePath(QStringLiteral("weak.crt")));
        QFile key(dir.filePath(QStringLiteral("weak.key")));
        QVERIFY(certificate.open(QIODevice::ReadOnly) && key.open(QIODevice::ReadOnly));
        const auto entry = CertificateImporter::keyEntry(
            QStringLiteral("weak"), *CertificateImporter::readCertificates(certificate.readAll()),
            *CertificateImporter::readPrivateKey(key.readAll(), nullptr, QStringLiteral("weak.key")));
        QVERIFY2(entry, entry ? "" : qPrintable(entry.error()));
        Keystore store;
        store.insert(*entry);
        const QStringList found = kinds(StoreCheck::check(store, 1), QStringLiteral("weak"));
        QVERIFY2(found.contains(QStringLiteral("weak-key")), qPrintable(found.join(u',')));
        QVERIFY2(found.contains(QStringLiteral("weak-signature")), qPrintable(found.join(u',')));
    }

    void hostsAndServices()
    {
        Keystore store;
        store.insert(m_pki.serverEntry(QStringLiteral("a"), {QStringLiteral("a.test")}));
        store.insert(m_pki.serverEntry(QStringLiteral("b"), {QStringLiteral("b.test")}));
        store.insert(KeystoreEntry(QStringLiteral("root"), nullptr, {m_pki.caCertificateHandle()}));
        Config::GatewayConfig config;
        Config::ServiceConfig one;
        one.name = QStringLiteral("one");
        one.accepts = {QUrl(QStringLiteral("wss://b.test:9000/x")), QUrl(QStringLiteral("ws://c.test:8000/x"))};
        Config::ServiceConfig two;
        two.name = QStringLiteral("two");
        two.accepts = {QUrl(QStringLiteral("https://c.test:9001/"))};
        config.services = {one, two};

        const auto uncovered = StoreCheck::checkHosts(store, config);
        QCOMPARE(uncovered.size(), 1); // c.test over https; ws:// needs no certificate
        QVERIFY(uncovered.first().message.contains(QStringLiteral("'c.test'")));
        QCOMPARE(StoreCheck::servicesUsing(store, QStringLiteral("b"), config), QStringList{QStringLiteral("one")});
        // c.test falls back to the first key entry, so 'a' is in use by 'two'.
        QCOMPARE(StoreCheck::servicesUsing(store, QStringLiteral("a"), config), QStringList{QStringLiteral("two")});
        QVERIFY(StoreCheck::servicesUsing(store, QStringLiteral("root"), config).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestStoreCheck)
#include "tst_storecheck.moc"
