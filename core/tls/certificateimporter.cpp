#include "tls/certificateimporter.h"

#include "tls/certificatedetails.h"
#include "tls/keystore.h"

#include <openssl/err.h>
#include <openssl/pem.h>

namespace Postern::Tls::CertificateImporter {

namespace {

bool isPem(const QByteArray &data)
{
    return data.contains("-----BEGIN ");
}

BioPtr memoryBio(const QByteArray &data)
{
    return BioPtr(BIO_new_mem_buf(data.constData(), int(data.size())));
}

struct PasswordRequest
{
    PasswordProvider *provider;
    QString purpose;
    bool asked = false;
    bool declined = false;
};

// OpenSSL's pem_password_cb: asks the provider once.
int passwordCallback(char *buffer, int size, int, void *userData)
{
    auto *request = static_cast<PasswordRequest *>(userData);
    request->asked = true;
    if (!request->provider) {
        request->declined = true;
        return -1;
    }
    std::optional<QByteArray> password = request->provider->password(request->purpose);
    if (!password) {
        request->declined = true;
        return -1;
    }
    const int length = int(qMin<qsizetype>(password->size(), size));
    memcpy(buffer, password->constData(), size_t(length));
    password->fill('\0');
    return length;
}

} // namespace

std::expected<QList<SharedCertificate>, QString> readCertificates(const QByteArray &data)
{
    QList<SharedCertificate> certificates;
    if (isPem(data)) {
        BioPtr bio = memoryBio(data);
        while (X509 *certificate = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr))
            certificates.append(shareCertificate(X509Ptr(certificate)));
        // The loop ends at the end of the data (PEM_R_NO_START_LINE) or at a bad block.
        const unsigned long error = ERR_peek_last_error();
        if (error && ERR_GET_REASON(error) != PEM_R_NO_START_LINE)
            return std::unexpected(takeOpenSslError(QStringLiteral("a PEM certificate block is damaged")));
        ERR_clear_error();
    } else {
        const auto *bytes = reinterpret_cast<const unsigned char *>(data.constData());
        X509Ptr certificate(d2i_X509(nullptr, &bytes, long(data.size())));
        if (!certificate)
            return std::unexpected(takeOpenSslError(QStringLiteral("not a certificate (neither PEM nor DER)")));
        certificates.append(shareCertificate(std::move(certificate)));
    }
    if (certificates.isEmpty())
        return std::unexpected(QStringLiteral("no certificate found (expected PEM \"BEGIN CERTIFICATE\" blocks or DER)"));
    return certificates;
}

std::expected<SharedKey, QString> readPrivateKey(const QByteArray &data, PasswordProvider *passwords,
                                                 const QString &purpose)
{
    PasswordRequest request{passwords, purpose};
    EvpPkeyPtr key;
    BioPtr bio = memoryBio(data);
    if (isPem(data)) {
        key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, passwordCallback, &request));
    } else {
        const auto *bytes = reinterpret_cast<const unsigned char *>(data.constData());
        key.reset(d2i_AutoPrivateKey(nullptr, &bytes, long(data.size())));
        if (!key) { // an encrypted PKCS#8 DER key
            ERR_clear_error();
            bio = memoryBio(data);
            key.reset(d2i_PKCS8PrivateKey_bio(bio.get(), nullptr, passwordCallback, &request));
        }
    }
    if (key) {
        ERR_clear_error();
        return shareKey(std::move(key));
    }
    if (request.declined) {
        takeOpenSslError({});
        return std::unexpected(QStringLiteral("%1 is encrypted and no password was given").arg(purpose));
    }
    if (request.asked)
        return std::unexpected(takeOpenSslError(QStringLiteral("wrong password for %1").arg(purpose)));
    return std::unexpected(takeOpenSslError(QStringLiteral("%1 is not a private key (PEM or DER)").arg(purpose)));
}

SharedCertificate certificateFor(const SharedKey &key, const QList<SharedCertificate> &certificates)
{
    SharedCertificate found;
    for (const auto &certificate : certificates) {
        if (X509_check_private_key(certificate.get(), key.get()) == 1) {
            found = certificate;
            break;
        }
    }
    ERR_clear_error(); // mismatches leave errors on the queue
    return found;
}

QList<SharedCertificate> orderChain(const SharedCertificate &leaf, const QList<SharedCertificate> &pool,
                                    QList<SharedCertificate> *unused)
{
    QList<SharedCertificate> chain{leaf};
    QList<SharedCertificate> rest;
    for (const auto &certificate : pool)
        if (X509_cmp(certificate.get(), leaf.get()) != 0)
            rest.append(certificate);
    X509 *current = leaf.get();
    while (!X509_self_signed(current, 0)) {
        qsizetype found = -1;
        for (qsizetype i = 0; i < rest.size(); ++i) {
            if (X509_check_issued(rest[i].get(), current) == X509_V_OK) {
                found = i;
                break;
            }
        }
        if (found < 0)
            break;
        current = rest[found].get();
        chain.append(rest.takeAt(found));
    }
    ERR_clear_error();
    if (unused)
        *unused = rest;
    return chain;
}

std::expected<KeystoreEntry, QString> keyEntry(const QString &alias, const QList<SharedCertificate> &certificates,
                                               const SharedKey &key)
{
    if (alias.trimmed().isEmpty())
        return std::unexpected(QStringLiteral("an alias cannot be empty"));
    const SharedCertificate leaf = certificateFor(key, certificates);
    if (!leaf)
        return std::unexpected(QStringLiteral("the private key does not match %1")
                                   .arg(certificates.size() == 1
                                            ? QStringLiteral("the certificate '%1'")
                                                  .arg(CertificateDetails::of(certificates.first().get()).subject)
                                            : QStringLiteral("any of the %1 certificates").arg(certificates.size())));
    QList<SharedCertificate> unused;
    const QList<SharedCertificate> chain = orderChain(leaf, certificates, &unused);
    if (!unused.isEmpty())
        return std::unexpected(QStringLiteral("certificate '%1' is not part of the chain of '%2'")
                                   .arg(CertificateDetails::of(unused.first().get()).subject,
                                        CertificateDetails::of(leaf.get()).subject));
    return KeystoreEntry(alias, key, chain);
}

std::expected<KeystoreEntry, QString> keyEntryFromPkcs12(const QString &alias, const QByteArray &data,
                                                         const QByteArray &password)
{
    const auto store = Keystore::fromPkcs12(data, password);
    if (!store)
        return std::unexpected(store.error());
    QList<KeystoreEntry> keys;
    for (const auto &entry : store->entries())
        if (entry.hasPrivateKey())
            keys.append(entry);
    if (keys.size() != 1)
        return std::unexpected(QStringLiteral("the PKCS#12 file holds %1 private keys; exactly one can be imported")
                                   .arg(keys.size()));
    KeystoreEntry entry = keys.first();
    entry.setAlias(alias.isEmpty() ? entry.alias() : alias);
    return entry;
}

std::expected<QList<KeystoreEntry>, QString> trustedEntries(const QString &alias, const QByteArray &data,
                                                            const QByteArray &pkcs12Password)
{
    if (alias.trimmed().isEmpty())
        return std::unexpected(QStringLiteral("an alias cannot be empty"));
    QList<SharedCertificate> certificates;
    if (!isPem(data) && !pkcs12Password.isNull()) {
        const auto store = Keystore::fromPkcs12(data, pkcs12Password);
        if (!store)
            return std::unexpected(store.error());
        for (const auto &entry : store->entries())
            for (const auto &certificate : entry.chain())
                if (!std::any_of(certificates.cbegin(), certificates.cend(),
                                 [&](const SharedCertificate &c) { return X509_cmp(c.get(), certificate.get()) == 0; }))
                    certificates.append(certificate);
        if (certificates.isEmpty())
            return std::unexpected(QStringLiteral("the PKCS#12 file holds no certificate"));
    } else {
        auto read = readCertificates(data);
        if (!read)
            return std::unexpected(read.error());
        certificates = *read;
    }
    QList<KeystoreEntry> entries;
    for (qsizetype i = 0; i < certificates.size(); ++i)
        entries.append(KeystoreEntry(certificates.size() == 1 ? alias : alias + u'-' + QString::number(i + 1),
                                     nullptr, {certificates[i]}));
    return entries;
}

} // namespace Postern::Tls::CertificateImporter
