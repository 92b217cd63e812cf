#pragma once

// Test fixtures made on the fly: a CA, server certificates it signs, and keystores holding
// them. Nothing here is a real key, and nothing is kept in the repository.

#include "tls/certificaterequest.h"
#include "tls/keystore.h"

#include <QSslCertificate>
#include <QString>
#include <QStringList>

namespace Postern::Testing {

class TestPki
{
public:
    TestPki(); // makes the CA (EC P-256)

    QSslCertificate caCertificate() const;

    // An entry for `alias` signed by the CA, valid for `dnsNames` and 127.0.0.1.
    Tls::KeystoreEntry serverEntry(const QString &alias, const QStringList &dnsNames) const;

    // A certificate for `key` signed by the CA (a CA's reply to a request for that key).
    Tls::SharedCertificate sign(EVP_PKEY *key, const Tls::CertificateRequest &request) const;
    const Tls::SharedCertificate &caCertificateHandle() const { return m_caCertificate; }
    const Tls::SharedKey &caKey() const { return m_caKey; }

    // Writes a keystore with `entries` and its password file into `directory` as
    // keystore.p12 and keystore.pw.
    static void writeKeystore(const QString &directory, const QList<Tls::KeystoreEntry> &entries);

private:
    Tls::SharedKey m_caKey;
    Tls::SharedCertificate m_caCertificate;
};

// A TCP port that was free a moment ago on 127.0.0.1.
quint16 freePort();

// The project's source folder (POSTERN_SOURCE_DIR, set by CTest).
QString sourceDir();

} // namespace Postern::Testing
