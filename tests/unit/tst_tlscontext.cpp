// The certificates the front door serves for a keystore entry.

#include "frontdoor/qtprivateheaders.h"
#include "frontdoor/servertlscontexts.h"
#include "frontdoor/tlscontext.h"
#include "rawtlsserver.h"
#include "testpki.h"
#include "tls/certificatefactory.h"

#include <QProcess>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTcpServer>
#include <QTest>
#include <QFile>
#include <QFileInfo>


#include <memory>
#include <vector>

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
        const QSslConfiguration configuration = context.configurationForAlias(context.entryFor(QStringLiteral("a.test"), {})->alias());
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

    // Connections for one keystore entry share one OpenSSL context; another entry has its own,
    // and each client still gets its entry's certificate.
    void sharesOneContextPerEntry()
    {
        Testing::TestPki pki;
        Keystore keystore;
        keystore.insert(pki.serverEntry(QStringLiteral("a"), {QStringLiteral("a.test")}));
        keystore.insert(pki.serverEntry(QStringLiteral("b"), {QStringLiteral("b.test")}));
        const Frontdoor::TlsContext tls(keystore);
        Frontdoor::ServerTlsContexts contexts;
        Testing::RawTlsServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));

        std::vector<std::unique_ptr<QSslSocket>> clients;
        int configured = 0; // configurations built: one per entry
        const auto handshake = [&](const QString &alias, const QString &host) -> QSslSocket * {
            auto client = std::make_unique<QSslSocket>();
            QSslConfiguration configuration = client->sslConfiguration();
            configuration.setCaCertificates({pki.caCertificate()});
            client->setSslConfiguration(configuration);
            client->setPeerVerifyName(host);
            client->connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.serverPort());
            const size_t index = server.accepted.size();
            if (!QTest::qWaitFor([&] { return server.accepted.size() > index; }, 5000))
                return nullptr;
            QSslSocket *accepted = server.accepted.back().get();
            contexts.startServerEncryption(accepted, alias, [&] {
                ++configured;
                return tls.configurationForAlias(alias);
            });
            QSslSocket *raw = client.get();
            clients.push_back(std::move(client));
            if (!QTest::qWaitFor([&] { return raw->isEncrypted() && accepted->isEncrypted(); }, 5000))
                return nullptr;
            return accepted;
        };

        QSslSocket *first = handshake(QStringLiteral("a"), QStringLiteral("a.test"));
        QVERIFY(first);
        QCOMPARE(contexts.sharedContexts(), 1);
        QSslSocket *second = handshake(QStringLiteral("a"), QStringLiteral("a.test"));
        QVERIFY(second);
        QCOMPARE(contexts.sharedContexts(), 1);
        QCOMPARE(configured, 1);
        QVERIFY(QSslSocketPrivate::sslContext(first));
        QCOMPARE(QSslSocketPrivate::sslContext(second), QSslSocketPrivate::sslContext(first));
        QCOMPARE(clients.at(1)->peerCertificate(), keystore.find(QStringLiteral("a"))->certificate());

        QSslSocket *other = handshake(QStringLiteral("b"), QStringLiteral("b.test"));
        QVERIFY(other);
        QCOMPARE(contexts.sharedContexts(), 2);
        QCOMPARE(configured, 2);
        QVERIFY(QSslSocketPrivate::sslContext(other) != QSslSocketPrivate::sslContext(first));
        QCOMPARE(clients.at(2)->peerCertificate(), keystore.find(QStringLiteral("b"))->certificate());

        // Data still flows both ways over a connection whose context is shared.
        clients.at(1)->write("ping");
        QTRY_COMPARE(second->bytesAvailable(), qint64(4));
        QCOMPARE(second->readAll(), QByteArray("ping"));
        second->write("pong");
        QTRY_COMPARE(clients.at(1)->bytesAvailable(), qint64(4));
        QCOMPARE(clients.at(1)->readAll(), QByteArray("pong"));
    }

    void resumesSessions_data()
    {
        QTest::addColumn<QString>("protocol");
        QTest::addColumn<bool>("askForClientCertificates");
        QTest::addColumn<bool>("resumed");
        // A TLS 1.3 ticket is encrypted with a key of the context, a TLS 1.2 session is found in
        // the context's cache: one context per entry lets either resume the next connection.
        QTest::newRow("TLS 1.3") << QStringLiteral("-tls1_3") << false << true;
        QTest::newRow("TLS 1.2") << QStringLiteral("-tls1_2") << false << true;
        // A listener that asks for client certificates does not share its context: a client
        // that tries to resume gets a full handshake, never a failed one.
        QTest::newRow("TLS 1.3, client certificates asked") << QStringLiteral("-tls1_3") << true << false;
        QTest::newRow("TLS 1.2, client certificates asked") << QStringLiteral("-tls1_2") << true << false;
    }

    // Checked with an independent client, openssl s_client: -sess_out, then -sess_in.
    void resumesSessions()
    {
        QFETCH(QString, protocol);
        QFETCH(bool, askForClientCertificates);
        QFETCH(bool, resumed);
        Testing::TestPki pki;
        Keystore keystore;
        keystore.insert(pki.serverEntry(QStringLiteral("a"), {QStringLiteral("a.test")}));
        const Frontdoor::TlsContext tls(keystore);
        Frontdoor::ServerTlsContexts contexts;
        const auto configure = [&] {
            QSslConfiguration configuration = tls.configurationForAlias(QStringLiteral("a"));
            if (askForClientCertificates)
                configuration.setPeerVerifyMode(QSslSocket::QueryPeer); // as TlsSettings::applyTo does
            return configuration;
        };
        Testing::RawTlsServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString ca = dir.filePath(QStringLiteral("ca.pem"));
        QFile caFile(ca);
        QVERIFY(caFile.open(QIODevice::WriteOnly));
        caFile.write(pki.caCertificate().toPem());
        caFile.close();
        const QString session = dir.filePath(QStringLiteral("session.pem"));

        // Runs openssl s_client once, serving TLS to it meanwhile; returns what it printed. It
        // is told to finish once the handshake is done and, with -sess_out, the session written
        // (a TLS 1.3 ticket comes after the handshake).
        size_t served = 0;
        const auto sClient = [&](const QStringList &sessionOption) -> QByteArray {
            QProcess client;
            client.setProcessChannelMode(QProcess::MergedChannels);
            client.start(QStringLiteral("openssl"),
                         QStringList{QStringLiteral("s_client"), QStringLiteral("-connect"),
                                     QStringLiteral("127.0.0.1:%1").arg(server.serverPort()), QStringLiteral("-CAfile"), ca,
                                     protocol, QStringLiteral("-servername"), QStringLiteral("a.test")}
                             + sessionOption);
            if (!client.waitForStarted(5000))
                return "openssl did not start";
            const bool writesSession = sessionOption.contains(QStringLiteral("-sess_out"));
            QByteArray output;
            bool closing = false;
            const bool done = QTest::qWaitFor([&] {
                while (server.accepted.size() > served)
                    contexts.startServerEncryption(server.accepted.at(served++).get(), QStringLiteral("a"), configure);
                output += client.readAll();
                if (!closing && output.contains("Verify return code")
                    && (!writesSession || QFileInfo(session).size() > 0)) {
                    closing = true;
                    client.closeWriteChannel();
                }
                return client.state() == QProcess::NotRunning;
            }, 15000);
            output += client.readAll();
            return done ? output : output + "\n(s_client did not finish)";
        };

        QFile::remove(session);
        const QByteArray first = sClient({QStringLiteral("-sess_out"), session});
        QVERIFY2(first.contains("New, TLSv1."), first.constData());
        QVERIFY2(first.contains("Verify return code: 0 (ok)"), first.constData());
        const QByteArray second = sClient({QStringLiteral("-sess_in"), session});
        QVERIFY2(second.contains("Verify return code: 0 (ok)"), second.constData());
        QVERIFY2(!second.contains("alert"), second.constData());
        QVERIFY2(second.contains(resumed ? "Reused, TLSv1." : "New, TLSv1."), second.constData());
        QCOMPARE(contexts.sharedContexts(), resumed ? 1 : 0);
    }
};

QTEST_GUILESS_MAIN(TestTlsContext)
#include "tst_tlscontext.moc"
