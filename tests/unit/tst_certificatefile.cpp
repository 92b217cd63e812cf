// The console's reading of certificate files before an import, headless: what each kind of
// file is taken for (PEM with and without a key, certbot's two files, DER, PKCS#12 with and
// without a password, an encrypted key), when and how a password is asked for (again after a
// wrong one; declining imports nothing), which store a file may go to, the errors a person
// meets (a request, a public key, an empty, huge or unreadable file, a key that fits no
// certificate), and the certificate model's words for expiry, keys and names.

#include "certificatefile.h"
#include "certificatemodel.h"
#include "testpki.h"
#include "tls/keystore.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <openssl/pem.h>

using namespace Postern;
using Admin::CertificateFile;
using Admin::CertificateModel;

namespace {

QByteArray keyPem(EVP_PKEY *key, const QByteArray &password = {})
{
    Tls::BioPtr bio(BIO_new(BIO_s_mem()));
    if (password.isEmpty())
        PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    else
        PEM_write_bio_PKCS8PrivateKey(bio.get(), key, EVP_aes_256_cbc(), password.constData(), int(password.size()), nullptr,
                                      nullptr);
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return QByteArray(data, length);
}

QByteArray chainPem(const Tls::KeystoreEntry &entry)
{
    QByteArray pem;
    for (const QSslCertificate &certificate : entry.certificateChain())
        pem += certificate.toPem();
    return pem;
}

QByteArray pkcs12(const Tls::KeystoreEntry &entry, const QByteArray &password)
{
    Tls::Keystore single;
    single.insert(entry);
    return *single.toPkcs12(password);
}

// As some tools make them: with an empty password (the keystore itself refuses to).
QByteArray openPkcs12(const Tls::KeystoreEntry &entry)
{
    STACK_OF(X509) *authorities = sk_X509_new_null();
    for (qsizetype i = 1; i < entry.chain().size(); ++i)
        sk_X509_push(authorities, entry.chain().at(i).get());
    Tls::Pkcs12Ptr p12(PKCS12_create("", "open.test", entry.key(), entry.leaf(), authorities, 0, 0, 0, 0, 0));
    sk_X509_free(authorities);
    unsigned char *der = nullptr;
    const int length = i2d_PKCS12(p12.get(), &der);
    QByteArray data(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    return data;
}

// Answers in turn with the passwords given (nothing: declines), and keeps the questions.
class ScriptedPasswords final : public Tls::PasswordProvider
{
public:
    explicit ScriptedPasswords(QList<std::optional<QByteArray>> answers) : m_answers(std::move(answers)) {}
    std::optional<QByteArray> password(const QString &purpose) override
    {
        questions.append(purpose);
        return m_answers.isEmpty() ? std::nullopt : m_answers.takeFirst();
    }
    QStringList questions;

private:
    QList<std::optional<QByteArray>> m_answers;
};

} // namespace

class TestCertificateFile : public QObject
{
    Q_OBJECT

private:
    Testing::TestPki m_pki;
    Tls::KeystoreEntry m_entry = m_pki.serverEntry(QStringLiteral("a.test"), {QStringLiteral("a.test"), QStringLiteral("www.a.test")});
    QTemporaryDir m_dir;

    QString write(const QString &name, const QByteArray &data)
    {
        QFile file(m_dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size())
            qFatal("cannot write %s", qPrintable(file.fileName()));
        return file.fileName();
    }

private Q_SLOTS:
    void pemWithKeyAndChain()
    {
        const auto file = CertificateFile::fromData(QStringLiteral("bundle.pem"), chainPem(m_entry) + keyPem(m_entry.key()));
        QVERIFY2(file, file ? "" : qPrintable(file.error()));
        QCOMPARE(file->kind(), CertificateFile::Kind::KeyAndCertificates);
        QVERIFY(!file->needsPassword());
        QCOMPARE(file->suggestedAlias(), QStringLiteral("a.test"));
        QVERIFY2(file->summary().startsWith(u"A private key and 2 certificates.\nCN=a.test, issued by CN=Postern Test CA"),
                 qPrintable(file->summary()));
        const auto params = file->importParams(QStringLiteral("keystore"), QStringLiteral("mine"), true);
        QVERIFY2(params, params ? "" : qPrintable(params.error()));
        QCOMPARE(params->value(u"alias").toString(), QStringLiteral("mine"));
        QVERIFY(params->value(u"replace").toBool());
        QVERIFY(QByteArray::fromBase64(params->value(u"certificate").toString().toLatin1()).contains("BEGIN CERTIFICATE"));
        QVERIFY(QByteArray::fromBase64(params->value(u"key").toString().toLatin1()).contains("PRIVATE KEY"));
        QVERIFY(!params->contains(u"password"));
        // A key has no place in a truststore.
        const auto trusted = file->importParams(QStringLiteral("truststore"), QStringLiteral("mine"), false);
        QVERIFY(!trusted && trusted.error().contains(u"truststore keeps certificates only"));
    }

    void certbotsTwoFiles()
    {
        const QString fullchain = write(QStringLiteral("fullchain.pem"), chainPem(m_entry));
        const QString privkey = write(QStringLiteral("privkey.pem"), keyPem(m_entry.key()));
        const auto file = CertificateFile::read({fullchain, privkey});
        QVERIFY2(file, file ? "" : qPrintable(file.error()));
        QCOMPARE(file->kind(), CertificateFile::Kind::KeyAndCertificates);
        QCOMPARE(file->name(), QStringLiteral("fullchain.pem and privkey.pem"));
        QVERIFY(file->importParams(QStringLiteral("keystore"), QStringLiteral("a.test"), false).has_value());
        // Either file alone says what is missing.
        const auto key = CertificateFile::read({privkey});
        QCOMPARE(key->kind(), CertificateFile::Kind::KeyOnly);
        QVERIFY(key->importParams(QStringLiteral("keystore"), QStringLiteral("a"), false).error().contains(u"no certificate"));
        const auto chain = CertificateFile::read({fullchain});
        QCOMPARE(chain->kind(), CertificateFile::Kind::Certificates);
        const auto refused = chain->importParams(QStringLiteral("keystore"), QStringLiteral("a"), false);
        QVERIFY(!refused && refused.error().contains(u"no private key") && refused.error().contains(u"Install reply"));
        QVERIFY(chain->importParams(QStringLiteral("truststore"), QStringLiteral("a"), false).has_value());
    }

    void keyThatFitsNoCertificate()
    {
        const Tls::KeystoreEntry other = m_pki.serverEntry(QStringLiteral("b.test"), {QStringLiteral("b.test")});
        const auto file = CertificateFile::fromData(QStringLiteral("mixed.pem"), m_entry.certificate().toPem() + keyPem(other.key()));
        QVERIFY(file);
        const auto params = file->importParams(QStringLiteral("keystore"), QStringLiteral("a"), false);
        QVERIFY2(!params && params.error().contains(u"does not match"), params ? "" : qPrintable(params.error()));
    }

    void encryptedKeyAsksAgainAfterAWrongPassword()
    {
        auto file = CertificateFile::fromData(QStringLiteral("bundle.pem"), chainPem(m_entry) + keyPem(m_entry.key(), "key-password"));
        QVERIFY(file);
        QVERIFY(file->needsPassword());
        QVERIFY(file->summary().startsWith(u"A private key (encrypted)"));
        // Not without the password.
        QVERIFY(!file->importParams(QStringLiteral("keystore"), QStringLiteral("a"), false));
        ScriptedPasswords passwords({QByteArray("wrong"), QByteArray("key-password")});
        const auto unlocked = file->unlock(&passwords);
        QVERIFY2(unlocked, unlocked ? "" : qPrintable(unlocked.error()));
        QCOMPARE(passwords.questions.size(), 2);
        QVERIFY(passwords.questions.at(0).contains(u"the private key in bundle.pem"));
        QVERIFY(passwords.questions.at(1).contains(u"wrong"));
        const auto params = file->importParams(QStringLiteral("keystore"), QStringLiteral("a"), false);
        QVERIFY(params);
        QCOMPARE(params->value(u"password").toString(), QStringLiteral("key-password"));
    }

    void declinedOrThriceWrongImportsNothing()
    {
        auto file = CertificateFile::fromData(QStringLiteral("bundle.pem"), chainPem(m_entry) + keyPem(m_entry.key(), "key-password"));
        ScriptedPasswords declined({std::nullopt});
        const auto refused = file->unlock(&declined);
        QVERIFY(!refused && refused.error().contains(u"No password was given"));
        ScriptedPasswords wrong({QByteArray("a"), QByteArray("b"), QByteArray("c"), QByteArray("key-password")});
        const auto failed = file->unlock(&wrong);
        QVERIFY(!failed && failed.error().contains(u"could not be opened"));
        QCOMPARE(wrong.questions.size(), 3);
        QVERIFY(file->needsPassword());
    }

    void pkcs12WithAndWithoutPassword()
    {
        // With one: asked, checked here, and sent only to the keystore.
        auto locked = CertificateFile::fromData(QStringLiteral("server.pfx"), pkcs12(m_entry, "p12-password"));
        QVERIFY(locked);
        QCOMPARE(locked->kind(), CertificateFile::Kind::Pkcs12);
        QVERIFY(locked->needsPassword());
        QCOMPARE(locked->summary(), QStringLiteral("A PKCS#12 file, protected by a password."));
        ScriptedPasswords passwords({QByteArray("p12-password")});
        QVERIFY(locked->unlock(&passwords));
        QVERIFY(passwords.questions.first().contains(u"the PKCS#12 file server.pfx"));
        QCOMPARE(locked->suggestedAlias(), QStringLiteral("a.test")); // its friendly name
        QVERIFY(locked->summary().startsWith(u"A PKCS#12 file: a private key and 2 certificates."));
        const auto keystore = locked->importParams(QStringLiteral("keystore"), QStringLiteral("a"), false);
        QVERIFY(keystore && keystore->contains(u"pkcs12"));
        QCOMPARE(keystore->value(u"password").toString(), QStringLiteral("p12-password"));
        const auto truststore = locked->importParams(QStringLiteral("truststore"), QStringLiteral("a"), false);
        QVERIFY(truststore && !truststore->contains(u"password") && !truststore->contains(u"pkcs12"));
        QCOMPARE(QByteArray::fromBase64(truststore->value(u"certificate").toString().toLatin1()).count("BEGIN CERTIFICATE"), 2);
        locked->forgetPassword();
        // Without one: nothing is asked.
        const auto open = CertificateFile::fromData(QStringLiteral("open.p12"), openPkcs12(m_entry));
        QVERIFY2(open, open ? "" : qPrintable(open.error()));
        QVERIFY(!open->needsPassword());
        QCOMPARE(open->suggestedAlias(), QStringLiteral("open.test"));
        QCOMPARE(open->importParams(QStringLiteral("keystore"), QStringLiteral("a"), false)->value(u"password").toString(), QString());
    }

    void derCertificate()
    {
        const auto file = CertificateFile::fromData(QStringLiteral("ca.cer"), m_pki.caCertificate().toDer());
        QVERIFY(file);
        QCOMPARE(file->kind(), CertificateFile::Kind::Certificates);
        QCOMPARE(file->suggestedAlias(), QStringLiteral("Postern Test CA"));
        QVERIFY(file->summary().contains(u"self-signed"));
        QVERIFY(file->importParams(QStringLiteral("truststore"), QStringLiteral("ca"), false).has_value());
    }

    void filesThatAreNotForImport_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<QString>("said");
        QTest::newRow("empty") << QStringLiteral("empty.pem") << QByteArray("\n") << QStringLiteral("is empty");
        QTest::newRow("text") << QStringLiteral("notes.txt") << QByteArray("hello") << QStringLiteral("not a certificate or key file");
        QTest::newRow("request") << QStringLiteral("a.csr")
                                 << QByteArray("-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n")
                                 << QStringLiteral("certificate signing request");
        QTest::newRow("public key") << QStringLiteral("a.pub") << QByteArray("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n")
                                    << QStringLiteral("public key");
        QTest::newRow("damaged certificate")
            << QStringLiteral("bad.pem") << QByteArray("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
            << QStringLiteral("bad.pem:");
        QTest::newRow("damaged p12") << QStringLiteral("bad.p12") << QByteArray("\x30\x03\x02\x01", 4) << QStringLiteral("not a PKCS#12 file");
    }

    void filesThatAreNotForImport()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, data);
        QFETCH(QString, said);
        const auto file = CertificateFile::fromData(name, data);
        QVERIFY(!file);
        QVERIFY2(file.error().contains(said), qPrintable(file.error()));
    }

    void filesThatCannotBeRead()
    {
        QVERIFY(CertificateFile::read({m_dir.filePath(QStringLiteral("missing.pem"))}).error().contains(u"does not exist"));
        QFile huge(m_dir.filePath(QStringLiteral("huge.pem")));
        QVERIFY(huge.open(QIODevice::WriteOnly) && huge.resize(CertificateFile::kMaximumSize + 1));
        huge.close();
        QVERIFY(CertificateFile::read({huge.fileName()}).error().contains(u"far larger than a certificate"));
        QVERIFY(CertificateFile::read({}).error().contains(u"No file"));
    }

    void writesSecretsForTheOwnerOnly()
    {
        const QString path = m_dir.filePath(QStringLiteral("secret.p12"));
        QVERIFY(CertificateFile::write(path, "secret", true));
        QCOMPARE(QFile(path).permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
                 QFile::Permissions());
        QVERIFY(!CertificateFile::write(m_dir.filePath(QStringLiteral("no/such/dir/x.pem")), "x", false));
    }

    void modelWords()
    {
        const QDateTime now = QDateTime::fromString(QStringLiteral("2026-06-01T12:00:00Z"), Qt::ISODate);
        const auto certificate = [](const char *notBefore, const char *notAfter) {
            return QJsonObject{{QStringLiteral("notBefore"), QLatin1String(notBefore)}, {QStringLiteral("notAfter"), QLatin1String(notAfter)}};
        };
        QCOMPARE(CertificateModel::status(certificate("2026-01-01T00:00:00Z", "2026-05-31T00:00:00Z"), 30, now), CertificateModel::kExpired);
        QCOMPARE(CertificateModel::status(certificate("2026-07-01T00:00:00Z", "2027-05-31T00:00:00Z"), 30, now), CertificateModel::kNotYetValid);
        QCOMPARE(CertificateModel::status(certificate("2026-01-01T00:00:00Z", "2026-06-20T00:00:00Z"), 30, now), CertificateModel::kExpiring);
        QCOMPARE(CertificateModel::status(certificate("2026-01-01T00:00:00Z", "2026-08-20T00:00:00Z"), 30, now), CertificateModel::kFine);
        QVERIFY(CertificateModel::expiryText(certificate("", "2026-06-11T12:00:00Z"), now).endsWith(u"(in 10 days)"));
        QVERIFY(CertificateModel::expiryText(certificate("", "2026-05-31T12:00:00Z"), now).endsWith(u"(expired 1 day ago)"));
        // A finding in the chain makes an otherwise fine entry one to look at.
        QJsonObject entry{{QStringLiteral("certificate"), certificate("2026-01-01T00:00:00Z", "2099-01-01T00:00:00Z")}};
        QCOMPARE(CertificateModel::health(entry), CertificateModel::kFine);
        entry.insert(QStringLiteral("findings"), QJsonArray{QJsonObject{{QStringLiteral("kind"), QStringLiteral("weak-key")}}});
        QCOMPARE(CertificateModel::health(entry), CertificateModel::kExpiring);
        QCOMPARE(CertificateModel::keyDescription({{QStringLiteral("keyType"), QStringLiteral("RSA")}, {QStringLiteral("keyBits"), 3072}}),
                 QStringLiteral("RSA 3072"));
        QCOMPARE(CertificateModel::keyDescription({{QStringLiteral("keyType"), QStringLiteral("EC")}, {QStringLiteral("curve"), QStringLiteral("P-384")}}),
                 QStringLiteral("EC P-384"));
        QCOMPARE(CertificateModel::shortNames({{QStringLiteral("subjectAlternativeNames"),
                                                QJsonArray{QStringLiteral("DNS:a.test"), QStringLiteral("IP:127.0.0.1")}}}),
                 (QStringList{QStringLiteral("a.test"), QStringLiteral("127.0.0.1")}));
        QCOMPARE(CertificateModel::splitNames(QStringLiteral(" a.test, b.test;a.test\n10.0.0.1 ")),
                 (QStringList{QStringLiteral("a.test"), QStringLiteral("b.test"), QStringLiteral("10.0.0.1")}));
        QVERIFY(CertificateModel::isIpAddress(QStringLiteral("10.0.0.1")));
        QVERIFY(CertificateModel::isIpAddress(QStringLiteral("::1")));
        QVERIFY(!CertificateModel::isIpAddress(QStringLiteral("10.1.2")));
        QVERIFY(!CertificateModel::isIpAddress(QStringLiteral("a.test")));
    }
};

QTEST_GUILESS_MAIN(TestCertificateFile)
#include "tst_certificatefile.moc"
