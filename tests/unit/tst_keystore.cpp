#include "testpki.h"
#include "tls/certificatefactory.h"
#include "tls/keystore.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using namespace Postern::Tls;
using Postern::Testing::TestPki;

class TestKeystore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    static KeystoreEntry selfSignedEntry(const QString &alias, KeySpec spec, const QStringList &dns)
    {
        auto key = CertificateFactory::generateKey(spec);
        if (!key)
            qFatal("%s", qPrintable(key.error()));
        CertificateRequest request;
        request.dnsNames = dns;
        auto certificate = CertificateFactory::selfSigned(key->get(), request);
        if (!certificate)
            qFatal("%s", qPrintable(certificate.error()));
        return KeystoreEntry(alias, *key, {*certificate});
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void generatesEveryKeyType_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<int>("keyType");
        QTest::newRow("rsa2048") << "rsa2048" << EVP_PKEY_RSA;
        QTest::newRow("ec-p256") << "ec-p256" << EVP_PKEY_EC;
        QTest::newRow("ec-p384") << "ec-p384" << EVP_PKEY_EC;
        QTest::newRow("ed25519") << "ed25519" << EVP_PKEY_ED25519;
    }
    void generatesEveryKeyType()
    {
        QFETCH(QString, spec);
        QFETCH(int, keyType);
        const auto parsed = KeySpec::fromName(spec);
        QVERIFY(parsed);
        const KeystoreEntry entry = selfSignedEntry(QStringLiteral("k"), *parsed, {QStringLiteral("example.test")});
        QCOMPARE(EVP_PKEY_get_base_id(entry.key()), keyType);
        QCOMPARE(X509_check_private_key(entry.leaf(), entry.key()), 1);
        QVERIFY(!entry.certificate().isNull());
        QVERIFY(!entry.privateKey().isNull());
        QCOMPARE(entry.certificate().subjectAlternativeNames().value(QSsl::DnsEntry), QStringLiteral("example.test"));
    }

    void refusesWeakRsa()
    {
        const auto key = CertificateFactory::generateKey({KeySpec::Type::Rsa, 1024});
        QVERIFY(!key);
        QVERIFY(key.error().contains(QStringLiteral("2048")));
    }

    void roundTripsSeveralEntriesWithChains()
    {
        TestPki pki;
        Keystore keystore;
        keystore.insert(pki.serverEntry(QStringLiteral("a.test"), {QStringLiteral("a.test")}));
        keystore.insert(pki.serverEntry(QStringLiteral("b.test"), {QStringLiteral("b.test"), QStringLiteral("*.b.test")}));
        keystore.insert(selfSignedEntry(QStringLiteral("ed"), {KeySpec::Type::Ed25519, 0}, {QStringLiteral("ed.test")}));
        const QString path = m_dir.filePath(QStringLiteral("roundtrip.p12"));
        QVERIFY(keystore.save(path, "secret"));

        QFileInfo info(path);
        QCOMPARE(info.permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
                 QFile::Permissions());

        const auto loaded = Keystore::load(path, "secret");
        QVERIFY2(loaded, loaded ? "" : qPrintable(loaded.error()));
        QCOMPARE(loaded->entries().size(), 3);
        const KeystoreEntry *b = loaded->find(QStringLiteral("b.test"));
        QVERIFY(b);
        QCOMPARE(b->chain().size(), 2); // leaf, then the CA
        QCOMPARE(b->certificateChain().at(1), pki.caCertificate());
        QCOMPARE(b->sha256Fingerprint(), keystore.find(QStringLiteral("b.test"))->sha256Fingerprint());
        QCOMPARE(X509_check_private_key(b->leaf(), b->key()), 1);
        QVERIFY(loaded->find(QStringLiteral("ed")));
    }

    void choosesEntryForHost()
    {
        TestPki pki;
        Keystore keystore;
        keystore.insert(pki.serverEntry(QStringLiteral("first"), {QStringLiteral("a.test")}));
        keystore.insert(pki.serverEntry(QStringLiteral("second"), {QStringLiteral("*.b.test")}));
        QCOMPARE(keystore.entryForHost(QStringLiteral("a.test"))->alias(), QStringLiteral("first"));
        QCOMPARE(keystore.entryForHost(QStringLiteral("www.b.test"))->alias(), QStringLiteral("second"));
        QCOMPARE(keystore.entryForHost(QStringLiteral("WWW.B.TEST"))->alias(), QStringLiteral("second"));
        QVERIFY(!keystore.entryForHost(QStringLiteral("b.test")));     // wildcard needs a label
        QVERIFY(!keystore.entryForHost(QStringLiteral("x.y.b.test"))); // and only one
        QVERIFY(keystore.entryForHost(QStringLiteral("127.0.0.1")));    // IP SAN
        QVERIFY(!keystore.entryForHost(QStringLiteral("10.0.0.1")));
        QVERIFY(!keystore.entryForHost(QStringLiteral("c.test")));
    }

    void wrongPasswordChangesNothing()
    {
        Keystore keystore;
        keystore.insert(selfSignedEntry(QStringLiteral("x"), {KeySpec::Type::EcP256, 0}, {QStringLiteral("x.test")}));
        const QString path = m_dir.filePath(QStringLiteral("password.p12"));
        QVERIFY(keystore.save(path, "right"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray before = file.readAll();
        file.close();
        const auto loaded = Keystore::load(path, "wrong");
        QVERIFY(!loaded);
        QVERIFY2(loaded.error().contains(QStringLiteral("wrong password")), qPrintable(loaded.error()));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), before);
    }

    void corruptFileIsAnError()
    {
        const QString path = m_dir.filePath(QStringLiteral("corrupt.p12"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("this is not a PKCS#12 file");
        file.close();
        const auto loaded = Keystore::load(path, "x");
        QVERIFY(!loaded);
        QVERIFY2(loaded.error().contains(QStringLiteral("not a PKCS#12 file")), qPrintable(loaded.error()));
        QVERIFY(!Keystore::load(m_dir.filePath(QStringLiteral("absent.p12")), "x"));
    }

    void savingKeepsOneBackup()
    {
        const QString path = m_dir.filePath(QStringLiteral("backup.p12"));
        Keystore keystore;
        keystore.insert(selfSignedEntry(QStringLiteral("one"), {KeySpec::Type::EcP256, 0}, {QStringLiteral("one.test")}));
        QVERIFY(keystore.save(path, "pw"));
        keystore.insert(selfSignedEntry(QStringLiteral("two"), {KeySpec::Type::EcP256, 0}, {QStringLiteral("two.test")}));
        QVERIFY(keystore.save(path, "pw"));
        const auto previous = Keystore::load(path + QStringLiteral(".bak"), "pw");
        QVERIFY(previous);
        QCOMPARE(previous->entries().size(), 1);
        QCOMPARE(Keystore::load(path, "pw")->entries().size(), 2);
        QVERIFY(!(QFileInfo(path + QStringLiteral(".bak")).permissions() & QFile::ReadOther));
    }

    void passwordFile()
    {
        const QString path = m_dir.filePath(QStringLiteral("pw"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("s3cret\r\nsecond line ignored\n");
        file.close();
        QCOMPARE(*Keystore::readPasswordFile(path), QByteArray("s3cret"));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("\n");
        file.close();
        QVERIFY(!Keystore::readPasswordFile(path));
        QVERIFY(!Keystore::readPasswordFile(m_dir.filePath(QStringLiteral("absent"))));
    }

    void opensslReadsOurKeystore()
    {
        TestPki pki;
        Keystore keystore;
        keystore.insert(pki.serverEntry(QStringLiteral("interop.test"), {QStringLiteral("interop.test")}));
        const QString path = m_dir.filePath(QStringLiteral("interop.p12"));
        QVERIFY(keystore.save(path, "interop-pw"));
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"), {QStringLiteral("pkcs12"), QStringLiteral("-in"), path,
                                                  QStringLiteral("-passin"), QStringLiteral("pass:interop-pw"),
                                                  QStringLiteral("-nokeys"), QStringLiteral("-info")});
        QVERIFY2(openssl.waitForFinished(30000), "openssl did not finish");
        const QByteArray output = openssl.readAllStandardOutput() + openssl.readAllStandardError();
        QCOMPARE(openssl.exitCode(), 0);
        QVERIFY2(output.contains("friendlyName: interop.test"), output.constData());
        QVERIFY(output.contains("subject=CN = interop.test"));
        QVERIFY(output.contains("subject=O = Postern tests, CN = Postern Test CA"));
    }

    void trustedEntriesRoundTrip()
    {
        TestPki pki;
        Keystore store;
        store.insert(KeystoreEntry(QStringLiteral("root"), nullptr, {pki.caCertificateHandle()}));
        store.insert(pki.serverEntry(QStringLiteral("server"), {QStringLiteral("s.test")}));
        const QString path = m_dir.filePath(QStringLiteral("trust.p12"));
        QVERIFY(store.save(path, "pw"));
        const auto loaded = Keystore::load(path, "pw");
        QVERIFY2(loaded, loaded ? "" : qPrintable(loaded.error()));
        QCOMPARE(loaded->entries().size(), 2);
        QVERIFY(!loaded->find(QStringLiteral("root"))->hasPrivateKey());
        QVERIFY(loaded->find(QStringLiteral("server"))->hasPrivateKey());
        // A trusted certificate is never presented, even for a host it names.
        QCOMPARE(loaded->firstKeyEntry()->alias(), QStringLiteral("server"));
        QVERIFY(!loaded->entryForHost(QStringLiteral("Postern Test CA")));
    }

    void oneCertificateUnderTwoAliases()
    {
        // Regression: both entries once got the same localKeyId and the file did not read back.
        TestPki pki;
        const KeystoreEntry entry = pki.serverEntry(QStringLiteral("first"), {QStringLiteral("twice.test")});
        KeystoreEntry copy = entry;
        copy.setAlias(QStringLiteral("second"));
        Keystore store;
        store.insert(entry);
        store.insert(copy);
        const QString path = m_dir.filePath(QStringLiteral("twice.p12"));
        QVERIFY(store.save(path, "pw"));
        const auto loaded = Keystore::load(path, "pw");
        QVERIFY2(loaded, loaded ? "" : qPrintable(loaded.error()));
        QCOMPARE(loaded->entries().size(), 2);
        QVERIFY(loaded->find(QStringLiteral("first"))->hasPrivateKey());
        QVERIFY(loaded->find(QStringLiteral("second"))->hasPrivateKey());
    }

    void renames()
    {
        Keystore store;
        store.insert(selfSignedEntry(QStringLiteral("a"), {KeySpec::Type::EcP256, 0}, {QStringLiteral("a.test")}));
        store.insert(selfSignedEntry(QStringLiteral("b"), {KeySpec::Type::EcP256, 0}, {QStringLiteral("b.test")}));
        QVERIFY(store.rename(QStringLiteral("a"), QStringLiteral("c")));
        QVERIFY(store.find(QStringLiteral("c")) && !store.find(QStringLiteral("a")));
        QVERIFY(!store.rename(QStringLiteral("c"), QStringLiteral("b")));  // taken
        QVERIFY(!store.rename(QStringLiteral("zz"), QStringLiteral("y"))); // absent
        QVERIFY(!store.rename(QStringLiteral("c"), QStringLiteral(" ")));  // empty
    }

    void importsWhatOpensslMakes()
    {
        // A single-entry PKCS#12 written by the openssl command line loads, alias and all.
        const QString key = m_dir.filePath(QStringLiteral("o.key"));
        const QString cert = m_dir.filePath(QStringLiteral("o.crt"));
        const QString p12 = m_dir.filePath(QStringLiteral("o.p12"));
        QCOMPARE(QProcess::execute(QStringLiteral("openssl"),
                                   {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                                    QStringLiteral("ec"), QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256"),
                                    QStringLiteral("-nodes"), QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert,
                                    QStringLiteral("-subj"), QStringLiteral("/CN=made.by.openssl"),
                                    QStringLiteral("-addext"), QStringLiteral("subjectAltName=DNS:made.by.openssl"),
                                    QStringLiteral("-days"), QStringLiteral("2")}),
                 0);
        QCOMPARE(QProcess::execute(QStringLiteral("openssl"),
                                   {QStringLiteral("pkcs12"), QStringLiteral("-export"), QStringLiteral("-in"), cert,
                                    QStringLiteral("-inkey"), key, QStringLiteral("-name"), QStringLiteral("imported"),
                                    QStringLiteral("-out"), p12, QStringLiteral("-passout"), QStringLiteral("pass:pw")}),
                 0);
        const auto loaded = Keystore::load(p12, "pw");
        QVERIFY2(loaded, loaded ? "" : qPrintable(loaded.error()));
        QCOMPARE(loaded->entries().size(), 1);
        QCOMPARE(loaded->entries().first().alias(), QStringLiteral("imported"));
        QVERIFY(loaded->entryForHost(QStringLiteral("made.by.openssl")));
    }
};

QTEST_GUILESS_MAIN(TestKeystore)
#include "tst_keystore.moc"
