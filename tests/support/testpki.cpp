#include "testpki.h"

#include "tls/certificatefactory.h"

#include <QFile>
#include <QProcessEnvironment>
#include <QTcpServer>

namespace Postern::Testing {

namespace {

// Fixture failures are not test results: stop at once with the reason.
template<typename T>
T required(std::expected<T, QString> value, const char *what)
{
    if (!value)
        qFatal("test fixture: %s: %s", what, qPrintable(value.error()));
    return std::move(*value);
}

} // namespace

TestPki::TestPki()
{
    m_caKey = required(Tls::CertificateFactory::generateKey({Tls::KeySpec::Type::EcP256, 0}), "CA key");
    Tls::CertificateRequest request;
    request.commonName = QStringLiteral("Postern Test CA");
    request.organization = QStringLiteral("Postern tests");
    request.certificateAuthority = true;
    request.validityDays = 30;
    m_caCertificate = required(Tls::CertificateFactory::selfSigned(m_caKey.get(), request), "CA certificate");
}

QSslCertificate TestPki::caCertificate() const
{
    return Tls::toQSslCertificate(m_caCertificate.get());
}

Tls::KeystoreEntry TestPki::serverEntry(const QString &alias, const QStringList &dnsNames) const
{
    auto key = required(Tls::CertificateFactory::generateKey({Tls::KeySpec::Type::EcP256, 0}), "server key");
    Tls::CertificateRequest request;
    request.commonName = dnsNames.value(0, alias);
    request.dnsNames = dnsNames;
    request.ipAddresses = {QHostAddress(QHostAddress::LocalHost)};
    request.validityDays = 30;
    auto certificate = required(Tls::CertificateFactory::signedBy(key.get(), request, m_caCertificate.get(),
                                                                  m_caKey.get()),
                                "server certificate");
    return Tls::KeystoreEntry(alias, key, {certificate, m_caCertificate});
}

Tls::SharedCertificate TestPki::sign(EVP_PKEY *key, const Tls::CertificateRequest &request) const
{
    return required(Tls::CertificateFactory::signedBy(key, request, m_caCertificate.get(), m_caKey.get()), "signed certificate");
}

void TestPki::writeKeystore(const QString &directory, const QList<Tls::KeystoreEntry> &entries)
{
    const QByteArray password = "test-" + QByteArray::number(quint64(QDateTime::currentMSecsSinceEpoch()));
    QFile passwordFile(directory + QStringLiteral("/keystore.pw"));
    if (!passwordFile.open(QIODevice::WriteOnly) || passwordFile.write(password + '\n') < 0)
        qFatal("test fixture: cannot write the keystore password file");
    passwordFile.close();
    passwordFile.setPermissions(QFile::ReadOwner | QFile::WriteOwner); // as postern-keytool makes it
    Tls::Keystore keystore;
    for (const auto &entry : entries)
        keystore.insert(entry);
    if (const auto saved = keystore.save(directory + QStringLiteral("/keystore.p12"), password); !saved)
        qFatal("test fixture: cannot write the keystore: %s", qPrintable(saved.error()));
}

quint16 freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        qFatal("test fixture: no free port");
    return server.serverPort();
}

QString sourceDir()
{
    const QString dir = qEnvironmentVariable("POSTERN_SOURCE_DIR");
    if (dir.isEmpty())
        qFatal("POSTERN_SOURCE_DIR is not set (run the tests through ctest)");
    return dir;
}

} // namespace Postern::Testing
