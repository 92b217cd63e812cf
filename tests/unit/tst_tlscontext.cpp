// The certificates the front door serves for a keystore entry.

#include "frontdoor/tlscontext.h"
#include "testpki.h"
#include "tls/certificatefactory.h"

#include <QTest>

using namespace Postern;
using namespace Postern::Tls;

namespace {

template<typename T>
T required(std::expected<T, QString> value)
{
    if (!value)
        qFatal("%s", qPrintable(value.error()));
    return std::move(*value);
}

SharedKey ecKey()
{
    return required(CertificateFactory::generateKey({KeySpec::Type::EcP256, 0}));
}

} // namespace

class TestTlsContext : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void leavesTheRootOut()
    {
        Testing::TestPki pki;
        Keystore keystore;
        keystore.insert(pki.serverEntry(QStringLiteral("a"), {QStringLiteral("a.test")}));
        QCOMPARE(keystore.find(QStringLiteral("a"))->certificateChain().size(), 2); // leaf, CA

        const Frontdoor::TlsContext context(keystore);
        const QSslConfiguration configuration = context.configurationFor(QStringLiteral("a.test"), {});
        const QList<QSslCertificate> served = configuration.localCertificateChain();
        QCOMPARE(served.size(), 1);
        QCOMPARE(served.first(), keystore.find(QStringLiteral("a"))->certificate());
        QCOMPARE(configuration.localCertificate(), served.first());
        QVERIFY(!configuration.privateKey().isNull());
    }

    void keepsIntermediates()
    {
        Testing::TestPki pki;
        const SharedKey intermediateKey = ecKey();
        CertificateRequest intermediateRequest;
        intermediateRequest.commonName = QStringLiteral("Postern Test Intermediate");
        intermediateRequest.certificateAuthority = true;
        intermediateRequest.validityDays = 30;
        const SharedCertificate intermediate = pki.sign(intermediateKey.get(), intermediateRequest);

        const SharedKey leafKey = ecKey();
        CertificateRequest leafRequest;
        leafRequest.commonName = QStringLiteral("b.test");
        leafRequest.dnsNames = {QStringLiteral("b.test")};
        leafRequest.validityDays = 30;
        const SharedCertificate leaf = required(
            CertificateFactory::signedBy(leafKey.get(), leafRequest, intermediate.get(), intermediateKey.get()));

        const QList<QSslCertificate> chain = {toQSslCertificate(leaf.get()), toQSslCertificate(intermediate.get()),
                                              pki.caCertificate()};
        QVERIFY(!chain.at(1).isSelfSigned());
        QVERIFY(chain.at(2).isSelfSigned());
        QCOMPARE(Frontdoor::TlsContext::servedChain(chain), chain.first(2));
        QCOMPARE(Frontdoor::TlsContext::servedChain(chain.first(2)), chain.first(2));
    }

    void keepsALoneSelfSignedCertificate()
    {
        const SharedKey key = ecKey();
        CertificateRequest request;
        request.dnsNames = {QStringLiteral("self.test")};
        request.certificateAuthority = true; // Qt calls only a certificate that may sign self-signed
        const QSslCertificate certificate = toQSslCertificate(required(CertificateFactory::selfSigned(key.get(), request)).get());
        QVERIFY(certificate.isSelfSigned());
        QCOMPARE(Frontdoor::TlsContext::servedChain({certificate}), QList<QSslCertificate>{certificate});
    }
};

QTEST_GUILESS_MAIN(TestTlsContext)
#include "tst_tlscontext.moc"
