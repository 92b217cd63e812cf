#include "testpki.h"
#include "tls/certificatefactory.h"
#include "tls/certificateimporter.h"

#include <QtTest>

#include <openssl/pem.h>

using namespace Postern::Tls;
using Postern::Testing::TestPki;

namespace {

QByteArray toPem(X509 *certificate)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), certificate);
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return QByteArray(data, length);
}

QByteArray toDer(X509 *certificate)
{
    unsigned char *der = nullptr;
    const int length = i2d_X509(certificate, &der);
    QByteArray result(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    return result;
}

QByteArray keyPem(EVP_PKEY *key, const QByteArray &password = {})
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (password.isEmpty())
        PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    else
        PEM_write_bio_PKCS8PrivateKey(bio.get(), key, EVP_aes_256_cbc(), password.constData(), int(password.size()),
                                      nullptr, nullptr);
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return QByteArray(data, length);
}

QByteArray keyDer(EVP_PKEY *key)
{
    unsigned char *der = nullptr;
    const int length = i2d_PrivateKey(key, &der);
    QByteArray result(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    return result;
}

// Answers with a fixed password (or declines), and counts the questions.
class FixedPasswords final : public PasswordProvider
{
public:
    explicit FixedPasswords(std::optional<QByteArray> answer) : m_answer(std::move(answer)) {}
    std::optional<QByteArray> password(const QString &purpose) override
    {
        ++asked;
        lastPurpose = purpose;
        return m_answer;
    }
    int asked = 0;
    QString lastPurpose;

private:
    std::optional<QByteArray> m_answer;
};

} // namespace

class TestCertificateImporter : public QObject
{
    Q_OBJECT

private:
    TestPki m_pki;
    SharedKey m_key;
    SharedCertificate m_leaf;

private Q_SLOTS:
    void initTestCase()
    {
        m_key = *CertificateFactory::generateKey({KeySpec::Type::EcP256, 0});
        CertificateRequest request;
        request.dnsNames = {QStringLiteral("import.test")};
        m_leaf = m_pki.sign(m_key.get(), request);
    }

    void readsPemBundlesInOrder()
    {
        const auto read = CertificateImporter::readCertificates(toPem(m_leaf.get()) + "\n" + toPem(m_pki.caCertificateHandle().get()));
        QVERIFY(read);
        QCOMPARE(read->size(), 2);
        QCOMPARE(X509_cmp(read->at(0).get(), m_leaf.get()), 0);
    }

    void readsDer()
    {
        const auto read = CertificateImporter::readCertificates(toDer(m_leaf.get()));
        QVERIFY(read);
        QCOMPARE(read->size(), 1);
    }

    void refusesWhatIsNotACertificate_data()
    {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<QString>("message");
        QTest::newRow("garbage") << QByteArray("not a certificate at all") << "not a certificate";
        QTest::newRow("empty") << QByteArray() << "not a certificate";
        QTest::newRow("PEM without certificates") << QByteArray("-----BEGIN NOTHING-----\nAAAA\n-----END NOTHING-----\n")
                                                  << "no certificate found";
        QByteArray damaged = toPem(m_leaf.get());
        damaged.replace(100, 20, QByteArray(20, '*'));
        QTest::newRow("damaged PEM") << damaged << "damaged";
    }
    void refusesWhatIsNotACertificate()
    {
        QFETCH(QByteArray, data);
        QFETCH(QString, message);
        const auto read = CertificateImporter::readCertificates(data);
        QVERIFY(!read);
        QVERIFY2(read.error().contains(message), qPrintable(read.error()));
    }

    void readsKeys()
    {
        QVERIFY(CertificateImporter::readPrivateKey(keyPem(m_key.get()), nullptr, QStringLiteral("k")));
        QVERIFY(CertificateImporter::readPrivateKey(keyDer(m_key.get()), nullptr, QStringLiteral("k")));
    }

    void asksForTheEncryptedKeysPassword()
    {
        const QByteArray encrypted = keyPem(m_key.get(), "s3cret");
        FixedPasswords right(QByteArray("s3cret"));
        const auto key = CertificateImporter::readPrivateKey(encrypted, &right, QStringLiteral("the key in privkey.pem"));
        QVERIFY2(key, key ? "" : qPrintable(key.error()));
        QCOMPARE(right.asked, 1);
        QCOMPARE(right.lastPurpose, QStringLiteral("the key in privkey.pem"));
        QCOMPARE(EVP_PKEY_eq(key->get(), m_key.get()), 1);

        FixedPasswords wrong(QByteArray("nope"));
        const auto refused = CertificateImporter::readPrivateKey(encrypted, &wrong, QStringLiteral("the key"));
        QVERIFY(!refused);
        QVERIFY2(refused.error().contains(QStringLiteral("wrong password")), qPrintable(refused.error()));

        FixedPasswords declined(std::nullopt);
        const auto cancelled = CertificateImporter::readPrivateKey(encrypted, &declined, QStringLiteral("the key"));
        QVERIFY(!cancelled);
        QVERIFY(cancelled.error().contains(QStringLiteral("no password was given")));
        QVERIFY(!CertificateImporter::readPrivateKey(encrypted, nullptr, QStringLiteral("the key")));

        FixedPasswords unused(QByteArray("x"));
        QVERIFY(CertificateImporter::readPrivateKey(keyPem(m_key.get()), &unused, QStringLiteral("k")));
        QCOMPARE(unused.asked, 0); // a plain key asks nothing
    }

    void refusesANonKey()
    {
        const auto key = CertificateImporter::readPrivateKey(toPem(m_leaf.get()), nullptr, QStringLiteral("cert.pem"));
        QVERIFY(!key);
        QVERIFY(key.error().contains(QStringLiteral("cert.pem is not a private key")));
    }

    void buildsTheEntryWhateverTheOrder()
    {
        // certbot's fullchain.pem is leaf first; people also concatenate the other way round.
        const auto entry = CertificateImporter::keyEntry(QStringLiteral("site"), {m_pki.caCertificateHandle(), m_leaf}, m_key);
        QVERIFY2(entry, entry ? "" : qPrintable(entry.error()));
        QCOMPARE(entry->chain().size(), 2);
        QCOMPARE(X509_cmp(entry->leaf(), m_leaf.get()), 0);
        QCOMPARE(X509_cmp(entry->chain().at(1).get(), m_pki.caCertificateHandle().get()), 0);
    }

    void refusesAKeyThatDoesNotMatch()
    {
        const SharedKey other = *CertificateFactory::generateKey({KeySpec::Type::EcP256, 0});
        const auto entry = CertificateImporter::keyEntry(QStringLiteral("site"), {m_leaf}, other);
        QVERIFY(!entry);
        QVERIFY2(entry.error().contains(QStringLiteral("does not match the certificate")), qPrintable(entry.error()));
    }

    void refusesACertificateOutsideTheChain()
    {
        TestPki otherCa;
        const auto entry = CertificateImporter::keyEntry(QStringLiteral("site"), {m_leaf, otherCa.caCertificateHandle()}, m_key);
        QVERIFY(!entry);
        QVERIFY2(entry.error().contains(QStringLiteral("is not part of the chain")), qPrintable(entry.error()));
    }

    void importsPkcs12()
    {
        Keystore one;
        one.insert(KeystoreEntry(QStringLiteral("inside"), m_key, {m_leaf, m_pki.caCertificateHandle()}));
        const QByteArray p12 = *one.toPkcs12("pw");
        const auto entry = CertificateImporter::keyEntryFromPkcs12(QStringLiteral("renamed"), p12, "pw");
        QVERIFY2(entry, entry ? "" : qPrintable(entry.error()));
        QCOMPARE(entry->alias(), QStringLiteral("renamed"));
        QCOMPARE(entry->chain().size(), 2);
        QVERIFY(!CertificateImporter::keyEntryFromPkcs12(QStringLiteral("x"), p12, "wrong"));

        Keystore two = one;
        two.insert(m_pki.serverEntry(QStringLiteral("second"), {QStringLiteral("second.test")}));
        const auto refused = CertificateImporter::keyEntryFromPkcs12(QStringLiteral("x"), *two.toPkcs12("pw"), "pw");
        QVERIFY(!refused);
        QVERIFY(refused.error().contains(QStringLiteral("2 private keys")));
    }

    void makesTrustedEntries()
    {
        const auto single = CertificateImporter::trustedEntries(QStringLiteral("root"), toPem(m_pki.caCertificateHandle().get()));
        QVERIFY(single);
        QCOMPARE(single->size(), 1);
        QCOMPARE(single->first().alias(), QStringLiteral("root"));
        QVERIFY(!single->first().hasPrivateKey());

        const auto bundle = CertificateImporter::trustedEntries(QStringLiteral("bundle"),
                                                                toPem(m_pki.caCertificateHandle().get()) + toPem(m_leaf.get()));
        QVERIFY(bundle);
        QCOMPARE(bundle->size(), 2);
        QCOMPARE(bundle->at(1).alias(), QStringLiteral("bundle-2"));

        Keystore p12;
        p12.insert(KeystoreEntry(QStringLiteral("inside"), m_key, {m_leaf, m_pki.caCertificateHandle()}));
        const auto fromP12 = CertificateImporter::trustedEntries(QStringLiteral("p"), *p12.toPkcs12("pw"), "pw");
        QVERIFY(fromP12);
        QCOMPARE(fromP12->size(), 2);
        for (const auto &entry : *fromP12)
            QVERIFY(!entry.hasPrivateKey()); // the key never comes along into a truststore
    }
};

QTEST_GUILESS_MAIN(TestCertificateImporter)
#include "tst_certificateimporter.moc"
