#include "testpki.h"
#include "tls/certificatedetails.h"
#include "tls/certificatefactory.h"
#include "tls/csrfactory.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace Postern::Tls;
using Postern::Testing::TestPki;

class TestCsrFactory : public QObject
{
    Q_OBJECT

private:
    TestPki m_pki;

    static SharedKey newKey(KeySpec::Type type = KeySpec::Type::EcP256)
    {
        return *CertificateFactory::generateKey({type, 2048});
    }

    static KeystoreEntry pendingEntry(const SharedKey &key, const QString &alias)
    {
        CertificateRequest placeholder;
        placeholder.commonName = QStringLiteral("pending");
        return KeystoreEntry(alias, key, {*CertificateFactory::selfSigned(key.get(), placeholder)});
    }

private Q_SLOTS:
    void opensslVerifiesTheRequest_data()
    {
        QTest::addColumn<int>("type");
        QTest::newRow("EC P-256") << int(KeySpec::Type::EcP256);
        QTest::newRow("RSA") << int(KeySpec::Type::Rsa);
        QTest::newRow("Ed25519") << int(KeySpec::Type::Ed25519);
    }
    void opensslVerifiesTheRequest()
    {
        QFETCH(int, type);
        const SharedKey key = newKey(KeySpec::Type(type));
        CertificateRequest request;
        request.commonName = QStringLiteral("gw.example.test");
        request.organization = QStringLiteral("Example");
        request.dnsNames = {QStringLiteral("gw.example.test"), QStringLiteral("www.example.test")};
        request.ipAddresses = {QHostAddress(QStringLiteral("192.0.2.7"))};
        const auto pem = CsrFactory::createPem(key.get(), request);
        QVERIFY2(pem, pem ? "" : qPrintable(pem.error()));
        QVERIFY(pem->startsWith("-----BEGIN CERTIFICATE REQUEST-----"));

        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("req.pem"));
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(*pem);
        out.close();
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"), {QStringLiteral("req"), QStringLiteral("-in"), file, QStringLiteral("-verify"),
                                                  QStringLiteral("-noout"), QStringLiteral("-text")});
        QVERIFY(openssl.waitForFinished(30000));
        const QByteArray text = openssl.readAllStandardOutput() + openssl.readAllStandardError();
        QCOMPARE(openssl.exitCode(), 0);
        QVERIFY2(text.contains("verify OK"), text.constData());
        QVERIFY(text.contains("DNS:gw.example.test, DNS:www.example.test, IP Address:192.0.2.7"));
        QVERIFY(text.contains("CN = gw.example.test"));
        QVERIFY(text.contains("O = Example"));
    }

    void refusesAnEmptySubject()
    {
        QVERIFY(!CsrFactory::createPem(newKey().get(), CertificateRequest()));
    }

    void installsAMatchingReply()
    {
        const SharedKey key = newKey();
        const KeystoreEntry pending = pendingEntry(key, QStringLiteral("prod"));
        CertificateRequest request;
        request.dnsNames = {QStringLiteral("prod.test")};
        const SharedCertificate signedLeaf = m_pki.sign(key.get(), request);

        const auto installed = CsrFactory::installReply(pending, {m_pki.caCertificateHandle(), signedLeaf});
        QVERIFY2(installed, installed ? "" : qPrintable(installed.error()));
        QCOMPARE(installed->alias(), QStringLiteral("prod"));
        QCOMPARE(installed->chain().size(), 2);
        QCOMPARE(X509_cmp(installed->leaf(), signedLeaf.get()), 0);
        QCOMPARE(EVP_PKEY_eq(installed->key(), key.get()), 1);
        QVERIFY(installed->covers(QStringLiteral("prod.test")));
    }

    void completesTheChainFromIssuers()
    {
        const SharedKey key = newKey();
        CertificateRequest request;
        request.dnsNames = {QStringLiteral("prod.test")};
        const auto installed = CsrFactory::installReply(pendingEntry(key, QStringLiteral("prod")),
                                                        {m_pki.sign(key.get(), request)}, {m_pki.caCertificateHandle()});
        QVERIFY(installed);
        QCOMPARE(installed->chain().size(), 2);
    }

    void refusesAReplyForAnotherKey()
    {
        const SharedKey mine = newKey();
        const SharedKey theirs = newKey();
        CertificateRequest request;
        request.dnsNames = {QStringLiteral("other.test")};
        const auto installed = CsrFactory::installReply(pendingEntry(mine, QStringLiteral("prod")),
                                                        {m_pki.sign(theirs.get(), request)});
        QVERIFY(!installed);
        QVERIFY2(installed.error().contains(QStringLiteral("does not match the key of 'prod'")), qPrintable(installed.error()));
    }

    void refusesATrustedEntry()
    {
        const KeystoreEntry trusted(QStringLiteral("root"), nullptr, {m_pki.caCertificateHandle()});
        QVERIFY(!CsrFactory::installReply(trusted, {m_pki.caCertificateHandle()}));
    }
};

QTEST_GUILESS_MAIN(TestCsrFactory)
#include "tst_csrfactory.moc"
