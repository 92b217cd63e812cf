#include "certificatefile.h"

#include "tls/certificatedetails.h"
#include "tls/certificateimporter.h"
#include "tls/keystore.h"
#include "util/atomicfile.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QRegularExpression>
#include <QSslCertificate>

#include <openssl/err.h>

namespace Postern::Admin {

namespace {

// A password already known, for the importer's questions.
class KnownPassword final : public Tls::PasswordProvider
{
public:
    explicit KnownPassword(const QByteArray &password) : m_password(password) {}
    std::optional<QByteArray> password(const QString &) override { return m_password; }

private:
    const QByteArray &m_password;
};

// Whether `data` is exactly one DER object that `d2i` reads.
template<typename T>
bool parsesWhole(const QByteArray &data, T *(*d2i)(T **, const unsigned char **, long), void (*free)(T *))
{
    const auto *start = reinterpret_cast<const unsigned char *>(data.constData());
    const unsigned char *bytes = start;
    T *object = d2i(nullptr, &bytes, long(data.size()));
    const bool whole = object && bytes - start == data.size();
    if (object)
        free(object);
    ERR_clear_error(); // what did not parse leaves errors behind
    return whole;
}

bool isDerCertificate(const QByteArray &data) { return parsesWhole(data, d2i_X509, X509_free); }
bool isPkcs12(const QByteArray &data) { return parsesWhole(data, d2i_PKCS12, PKCS12_free); }
bool isDerKey(const QByteArray &data) { return parsesWhole(data, d2i_AutoPrivateKey, EVP_PKEY_free); }
bool isEncryptedDerKey(const QByteArray &data) { return parsesWhole(data, d2i_X509_SIG, X509_SIG_free); }

QString humanSize(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes);
}

} // namespace

CertificateFile::~CertificateFile()
{
    forgetPassword();
    m_key.fill('\0'); // an unencrypted key is a secret too
}

std::expected<CertificateFile, QString> CertificateFile::read(const QStringList &paths)
{
    if (paths.isEmpty())
        return std::unexpected(tr("No file was chosen."));
    CertificateFile file;
    for (const QString &path : paths) {
        auto data = readBytes(path);
        if (!data)
            return std::unexpected(data.error());
        if (auto added = file.add(QFileInfo(path).fileName(), *data); !added)
            return std::unexpected(added.error());
        data->fill('\0');
    }
    if (auto finished = file.finish(); !finished)
        return std::unexpected(finished.error());
    return file;
}

std::expected<CertificateFile, QString> CertificateFile::fromData(const QString &name, const QByteArray &data)
{
    CertificateFile file;
    if (auto added = file.add(name, data); !added)
        return std::unexpected(added.error());
    if (auto finished = file.finish(); !finished)
        return std::unexpected(finished.error());
    return file;
}

std::expected<void, QString> CertificateFile::add(const QString &name, const QByteArray &data)
{
    m_names.append(name);
    if (data.trimmed().isEmpty())
        return std::unexpected(tr("%1 is empty.").arg(name));
    const QString suffix = QFileInfo(name).suffix().toLower();
    if (!data.contains("-----BEGIN ")) {
        // DER: one certificate, a PKCS#12 file, or one key.
        if (isDerCertificate(data)) {
            if (!m_certificates.isEmpty())
                return std::unexpected(tr("%1 is a DER certificate, which cannot be combined with other certificates; use PEM "
                                          "files for a chain.").arg(name));
            m_certificates = data;
        } else if (isPkcs12(data)) {
            m_pkcs12 = data;
        } else if (isDerKey(data) || isEncryptedDerKey(data)) {
            if (!m_key.isEmpty())
                return std::unexpected(tr("More than one private key was given: import one key at a time."));
            m_key = data;
            m_encrypted = isEncryptedDerKey(data);
        } else if (suffix == u"p12" || suffix == u"pfx") {
            return std::unexpected(tr("%1 is not a PKCS#12 file that can be read: it may be damaged.").arg(name));
        } else {
            return std::unexpected(tr("%1 is not a certificate or key file: it is neither PEM, nor DER, nor PKCS#12.").arg(name));
        }
        return {};
    }
    // PEM: certificates and keys, in any order; OpenSSL's EC PARAMETERS blocks are skipped.
    static const QRegularExpression block(QStringLiteral("-----BEGIN ([A-Z0-9 ]+)-----.*?-----END \\1-----"),
                                          QRegularExpression::DotMatchesEverythingOption);
    const QString text = QString::fromLatin1(data);
    bool found = false;
    for (auto it = block.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        const QString label = match.captured(1);
        const QByteArray pem = match.captured(0).toLatin1() + '\n';
        if (label == u"CERTIFICATE" || label == u"X509 CERTIFICATE" || label == u"TRUSTED CERTIFICATE") {
            m_certificates += pem;
        } else if (label.endsWith(u"PRIVATE KEY")) {
            if (!m_key.isEmpty())
                return std::unexpected(tr("More than one private key was given: import one key at a time."));
            m_key = pem;
            m_encrypted = label == u"ENCRYPTED PRIVATE KEY" || pem.contains("Proc-Type: 4,ENCRYPTED");
        } else if (label.endsWith(u"CERTIFICATE REQUEST")) {
            return std::unexpected(tr("%1 is a certificate signing request, not a certificate. Send it to a certificate "
                                      "authority; install the certificate it sends back with “Install reply…”.").arg(name));
        } else if (label == u"PKCS7") {
            return std::unexpected(tr("%1 is a PKCS#7 bundle, which cannot be imported as it is. Convert it to PEM "
                                      "certificates first: openssl pkcs7 -print_certs -in %1").arg(name));
        } else if (label.endsWith(u"PUBLIC KEY")) {
            return std::unexpected(tr("%1 holds a public key, not a certificate.").arg(name));
        } else if (label.endsWith(u"PARAMETERS")) {
            continue;
        } else {
            return std::unexpected(tr("%1 holds a PEM block “%2”, which is neither a certificate nor a private key.").arg(name, label));
        }
        found = true;
    }
    if (!found)
        return std::unexpected(tr("%1 holds no certificate or private key.").arg(name));
    return {};
}

std::expected<void, QString> CertificateFile::finish()
{
    if (!m_pkcs12.isEmpty()) {
        if (m_names.size() > 1)
            return std::unexpected(tr("A PKCS#12 file holds a key with its certificates: import it on its own."));
        m_kind = Kind::Pkcs12;
        // Many PKCS#12 files have no password at all: only ask when the empty one fails.
        if (learnPkcs12(QByteArray(""))) {
            m_unlocked = true;
        } else {
            m_encrypted = true;
        }
        return {};
    }
    if (!m_certificates.isEmpty())
        if (auto learnt = learnCertificates(m_certificates); !learnt)
            return std::unexpected(learnt.error());
    if (!m_key.isEmpty() && !m_encrypted) {
        const auto key = Tls::CertificateImporter::readPrivateKey(m_key, nullptr, tr("the private key in %1").arg(name()));
        if (!key)
            return std::unexpected(tr("%1: %2.").arg(name(), key.error()));
    }
    m_kind = m_key.isEmpty() ? Kind::Certificates : m_certificates.isEmpty() ? Kind::KeyOnly : Kind::KeyAndCertificates;
    m_unlocked = !m_encrypted;
    return {};
}

std::expected<void, QString> CertificateFile::learnCertificates(const QByteArray &data)
{
    const auto certificates = Tls::CertificateImporter::readCertificates(data);
    if (!certificates)
        return std::unexpected(tr("%1: %2.").arg(name(), certificates.error()));
    m_certificateCount = int(certificates->size());
    const Tls::CertificateDetails leaf = Tls::CertificateDetails::of(certificates->first().get());
    m_subject = leaf.subject;
    m_commonName = leaf.subjectCommonName;
    m_issuer = leaf.issuer;
    m_selfSigned = leaf.selfSigned;
    m_firstName.clear();
    for (const QString &name : leaf.subjectAlternativeNames)
        if (name.startsWith(u"DNS:")) {
            m_firstName = name.mid(4);
            break;
        }
    return {};
}

std::expected<void, QString> CertificateFile::learnPkcs12(const QByteArray &password)
{
    const auto store = Tls::Keystore::fromPkcs12(m_pkcs12, password);
    if (!store)
        return std::unexpected(store.error());
    QByteArray pem;
    const Tls::KeystoreEntry *keyEntry = store->firstKeyEntry();
    const Tls::KeystoreEntry *first = keyEntry ? keyEntry : (store->isEmpty() ? nullptr : &store->entries().first());
    // The key's chain first, so that the leaf described is the key's certificate.
    QList<Tls::SharedCertificate> certificates;
    if (first)
        certificates = first->chain();
    for (const Tls::KeystoreEntry &entry : store->entries())
        for (const auto &certificate : entry.chain())
            if (std::none_of(certificates.cbegin(), certificates.cend(),
                             [&](const Tls::SharedCertificate &c) { return X509_cmp(c.get(), certificate.get()) == 0; }))
                certificates.append(certificate);
    for (const auto &certificate : std::as_const(certificates))
        pem += Tls::toQSslCertificate(certificate.get()).toPem();
    if (pem.isEmpty())
        return std::unexpected(tr("the PKCS#12 file holds no certificate"));
    if (auto learnt = learnCertificates(pem); !learnt)
        return learnt;
    m_pkcs12Certificates = pem;
    m_pkcs12HasKey = keyEntry != nullptr;
    m_friendlyName = first ? first->alias() : QString();
    m_password = password;
    return {};
}

QString CertificateFile::name() const
{
    if (m_names.size() <= 1)
        return m_names.value(0);
    return tr("%1 and %2").arg(QStringList(m_names.mid(0, m_names.size() - 1)).join(QStringLiteral(", ")), m_names.last());
}

bool CertificateFile::needsPassword() const
{
    return m_encrypted && !m_unlocked;
}

std::expected<void, QString> CertificateFile::unlock(Tls::PasswordProvider *passwords)
{
    if (!needsPassword())
        return {};
    if (!passwords)
        return std::unexpected(tr("%1 needs a password.").arg(name()));
    const QString what = m_kind == Kind::Pkcs12 ? tr("the PKCS#12 file %1").arg(name()) : tr("the private key in %1").arg(name());
    QString lastError;
    for (int attempt = 1; attempt <= 3; ++attempt) {
        std::optional<QByteArray> password =
            passwords->password(attempt == 1 ? what : tr("%1 (the password given was wrong; try again)").arg(what));
        if (!password)
            return std::unexpected(tr("No password was given for %1, so nothing was imported.").arg(what));
        bool wrong = false;
        if (m_kind == Kind::Pkcs12) {
            const auto opened = learnPkcs12(*password);
            if (!opened) {
                lastError = opened.error();
                // Both a failed integrity check and an undecryptable safe mean a wrong password here.
                wrong = true;
            }
        } else {
            KnownPassword known(*password);
            const auto key = Tls::CertificateImporter::readPrivateKey(m_key, &known, what);
            if (!key) {
                lastError = key.error();
                wrong = key.error().startsWith(u"wrong password");
                if (!wrong) {
                    password->fill('\0');
                    return std::unexpected(tr("%1: %2.").arg(name(), lastError));
                }
            } else {
                m_password = *password;
            }
        }
        password->fill('\0');
        if (!wrong) {
            m_unlocked = true;
            return {};
        }
    }
    return std::unexpected(tr("%1 could not be opened: %2. Nothing was imported.").arg(what, lastError));
}

void CertificateFile::forgetPassword()
{
    m_password.fill('\0');
    m_password.clear();
}

QString CertificateFile::summary() const
{
    const QString leaf = m_subject.isEmpty()
                             ? QString()
                             : m_selfSigned ? tr("%1, self-signed").arg(m_subject) : tr("%1, issued by %2").arg(m_subject, m_issuer);
    // What it is, then (on a line of its own: DNs are long) whose certificate.
    const QString count = m_certificateCount == 1 ? tr("1 certificate") : tr("%1 certificates").arg(m_certificateCount);
    switch (m_kind) {
    case Kind::Pkcs12:
        if (needsPassword())
            return tr("A PKCS#12 file, protected by a password.");
        return m_pkcs12HasKey ? tr("A PKCS#12 file: a private key and %1.\n%2").arg(count, leaf)
                              : tr("A PKCS#12 file with %1 and no private key.\n%2").arg(count, leaf);
    case Kind::KeyAndCertificates:
        return (m_encrypted ? tr("A private key (encrypted) and %1.\n%2") : tr("A private key and %1.\n%2")).arg(count, leaf);
    case Kind::Certificates: return tr("%1.\n%2").arg(count, leaf).replace(0, 1, count.at(0).toUpper());
    case Kind::KeyOnly: return tr("A private key without its certificate.");
    }
    return {};
}

QString CertificateFile::suggestedAlias() const
{
    if (!m_friendlyName.isEmpty())
        return m_friendlyName;
    if (!m_firstName.isEmpty())
        return m_firstName;
    if (!m_commonName.isEmpty())
        return m_commonName;
    return QFileInfo(m_names.value(0)).completeBaseName();
}

std::expected<QJsonObject, QString> CertificateFile::importParams(const QString &store, const QString &alias, bool replace) const
{
    if (needsPassword())
        return std::unexpected(tr("%1 needs a password first.").arg(name()));
    if (alias.trimmed().isEmpty())
        return std::unexpected(tr("Give the entry an alias."));
    const auto base64 = [](const QByteArray &data) { return QString::fromLatin1(data.toBase64()); };
    QJsonObject params{{QStringLiteral("alias"), alias.trimmed()}, {QStringLiteral("replace"), replace}};
    if (store == u"truststore") {
        switch (m_kind) {
        case Kind::Pkcs12:
            // Only its certificates are trusted: they go as PEM, and the password stays here.
            params.insert(QStringLiteral("certificate"), base64(m_pkcs12Certificates));
            return params;
        case Kind::Certificates:
            params.insert(QStringLiteral("certificate"), base64(m_certificates));
            return params;
        case Kind::KeyAndCertificates:
            return std::unexpected(tr("%1 holds a private key. A truststore keeps certificates only: import a key with "
                                      "its certificate into the keystore.").arg(name()));
        case Kind::KeyOnly:
            return std::unexpected(tr("%1 holds a private key and no certificate: there is nothing to trust in it.").arg(name()));
        }
    }
    switch (m_kind) {
    case Kind::Pkcs12:
        if (!m_pkcs12HasKey)
            return std::unexpected(tr("%1 holds certificates but no private key. The keystore needs a key: import these "
                                      "certificates into the truststore instead.").arg(name()));
        params.insert(QStringLiteral("pkcs12"), base64(m_pkcs12));
        params.insert(QStringLiteral("password"), QString::fromUtf8(m_password));
        return params;
    case Kind::KeyAndCertificates: {
        // Checked here too, so that a key that fits none of the certificates is said before sending.
        KnownPassword known(m_password);
        const auto key = Tls::CertificateImporter::readPrivateKey(m_key, &known, tr("the private key"));
        const auto certificates = Tls::CertificateImporter::readCertificates(m_certificates);
        if (key && certificates)
            if (const auto entry = Tls::CertificateImporter::keyEntry(alias, *certificates, *key); !entry)
                return std::unexpected(tr("%1: %2.").arg(name(), entry.error()));
        params.insert(QStringLiteral("certificate"), base64(m_certificates));
        params.insert(QStringLiteral("key"), base64(m_key));
        if (m_encrypted)
            params.insert(QStringLiteral("password"), QString::fromUtf8(m_password));
        return params;
    }
    case Kind::Certificates:
        return std::unexpected(tr("%1 holds certificates but no private key. The keystore needs the key too: choose or "
                                  "drop the key file together with the certificate file. A certificate a CA sent for a "
                                  "request made here is installed with “Install reply…”; a CA certificate belongs in the "
                                  "truststore.").arg(name()));
    case Kind::KeyOnly:
        return std::unexpected(tr("%1 holds a private key but no certificate: choose or drop it together with its "
                                  "certificate file.").arg(name()));
    }
    return std::unexpected(QString());
}

std::expected<QByteArray, QString> CertificateFile::readBytes(const QString &path)
{
    QFile file(path);
    const QFileInfo info(path);
    if (!info.exists())
        return std::unexpected(tr("%1 does not exist.").arg(path));
    if (info.isDir())
        return std::unexpected(tr("%1 is a folder, not a file.").arg(path));
    if (info.size() > kMaximumSize)
        return std::unexpected(tr("%1 is %2: far larger than a certificate or key file. Is it the right file?")
                                   .arg(info.fileName(), humanSize(info.size())));
    if (!file.open(QIODevice::ReadOnly))
        return std::unexpected(tr("%1 cannot be read: %2.").arg(path, file.errorString()));
    return file.read(kMaximumSize + 1);
}

std::expected<void, QString> CertificateFile::write(const QString &path, const QByteArray &data, bool secret)
{
    if (auto written = Util::AtomicFile::write(path, data, secret, Util::AtomicFile::Backup::None); !written)
        return std::unexpected(tr("%1 was not written: %2.").arg(path, written.error()));
    return {};
}

} // namespace Postern::Admin
