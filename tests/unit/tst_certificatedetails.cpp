#include "testpki.h"
#include "tls/certificatedetails.h"
#include "tls/certificatefactory.h"

#include <QJsonArray>
#include <QtTest>

using namespace Postern::Tls;
using Postern::Testing::TestPki;

class TestCertificateDetails : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void describesALeafSignedByACa()
    {
        TestPki pki;
        const KeystoreEntry entry = pki.serverEntry(QStringLiteral("leaf"), {QStringLiteral("leaf.test"), QStringLiteral("*.leaf.test")});
        const CertificateDetails d = CertificateDetails::of(entry.leaf());
        QCOMPARE(d.subject, QStringLiteral("CN=leaf.test"));
        QCOMPARE(d.subjectCommonName, QStringLiteral("leaf.test"));
        QCOMPARE(d.issuer, QStringLiteral("CN=Postern Test CA,O=Postern tests"));
        QCOMPARE(d.issuerCommonName, QStringLiteral("Postern Test CA"));
        QCOMPARE(d.subjectAlternativeNames, (QStringList{QStringLiteral("DNS:leaf.test"), QStringLiteral("DNS:*.leaf.test"),
                                                         QStringLiteral("IP:127.0.0.1")}));
        QCOMPARE(d.keyType, QStringLiteral("EC"));
        QCOMPARE(d.curve, QStringLiteral("P-256"));
        QCOMPARE(d.keyBits, 256);
        QCOMPARE(d.signatureAlgorithm, QStringLiteral("ecdsa-with-SHA256"));
        QVERIFY(!d.selfSigned);
        QVERIFY(!d.certificateAuthority);
        QCOMPARE(d.keyUsage, QStringList{QStringLiteral("digitalSignature")});
        QCOMPARE(d.extendedKeyUsage, (QStringList{QStringLiteral("serverAuth"), QStringLiteral("clientAuth")}));
        QCOMPARE(d.sha256Fingerprint.size(), 32 * 3 - 1);
        QCOMPARE(d.sha1Fingerprint.size(), 20 * 3 - 1);
        QCOMPARE(d.sha256Fingerprint, QString::fromLatin1(entry.sha256Fingerprint()));
        QVERIFY(d.daysLeft() >= 29 && d.daysLeft() <= 30);
        QVERIFY(!d.serialNumber.isEmpty());

        const CertificateDetails ca = CertificateDetails::of(entry.chain().at(1).get());
        QVERIFY(ca.selfSigned);
        QVERIFY(ca.certificateAuthority);
        QVERIFY(ca.keyUsage.contains(QStringLiteral("keyCertSign")));
    }

    void keyTypes_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("type");
        QTest::addColumn<int>("bits");
        QTest::addColumn<QString>("curve");
        QTest::newRow("rsa3072") << "rsa3072" << "RSA" << 3072 << "";
        QTest::newRow("ec-p384") << "ec-p384" << "EC" << 384 << "P-384";
        QTest::newRow("ed25519") << "ed25519" << "Ed25519" << 256 << "";
    }
    void keyTypes()
    {
        QFETCH(QString, spec);
        QFETCH(QString, type);
        QFETCH(int, bits);
        QFETCH(QString, curve);
        const SharedKey key = *CertificateFactory::generateKey(*KeySpec::fromName(spec));
        CertificateRequest request;
        request.commonName = QStringLiteral("k");
        const SharedCertificate certificate = *CertificateFactory::selfSigned(key.get(), request);
        const CertificateDetails d = CertificateDetails::of(certificate.get());
        QCOMPARE(d.keyType, type);
        QCOMPARE(d.keyBits, bits);
        QCOMPARE(d.curve, curve);
        QVERIFY(d.selfSigned);
    }

    void json()
    {
        TestPki pki;
        const QJsonObject json = CertificateDetails::of(pki.caCertificateHandle().get()).toJson();
        QCOMPARE(json.value(QStringLiteral("subjectCommonName")).toString(), QStringLiteral("Postern Test CA"));
        QCOMPARE(json.value(QStringLiteral("certificateAuthority")).toBool(), true);
        QVERIFY(json.value(QStringLiteral("notAfter")).toString().endsWith(u'Z'));
        QVERIFY(json.value(QStringLiteral("keyUsage")).toArray().contains(QStringLiteral("keyCertSign")));
    }
};

QTEST_GUILESS_MAIN(TestCertificateDetails)
#include "tst_certificatedetails.moc"
