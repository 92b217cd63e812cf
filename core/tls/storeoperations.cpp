#include "tls/storeoperations.h"

#include "tls/certificatedetails.h"
#include "tls/certificatefactory.h"
#include "tls/csrfactory.h"
#include "tls/opensslhandles.h"

#include <QJsonArray>

#include <openssl/pem.h>

namespace Postern::Tls::StoreOperations {

QString pem(X509 *certificate)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), certificate);
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return QString::fromLatin1(data, length);
}

QJsonObject entryJson(const KeystoreEntry &entry)
{
    QJsonArray chain;
    for (const auto &certificate : entry.chain())
        chain.append(CertificateDetails::of(certificate.get()).toJson());
    return {{QStringLiteral("alias"), entry.alias()},
            {QStringLiteral("type"), entry.hasPrivateKey() ? QStringLiteral("key") : QStringLiteral("trusted")},
            {QStringLiteral("hasPrivateKey"), entry.hasPrivateKey()},
            {QStringLiteral("certificate"), chain.first()},
            {QStringLiteral("chain"), chain}};
}

std::expected<KeystoreEntry, QString> generate(const QString &alias, const CertificateRequest &request, const KeySpec &spec)
{
    if (request.commonName.isEmpty() && request.dnsNames.isEmpty() && request.ipAddresses.isEmpty())
        return std::unexpected(QStringLiteral("a certificate needs a common name, a DNS name or an IP address"));
    const auto key = CertificateFactory::generateKey(spec);
    if (!key)
        return std::unexpected(key.error());
    const auto certificate = CertificateFactory::selfSigned(key->get(), request);
    if (!certificate)
        return std::unexpected(certificate.error());
    return KeystoreEntry(alias, *key, {*certificate});
}

std::expected<QByteArray, QString> requestCertificate(Keystore &store, const QString &alias, CertificateRequest request,
                                                      const KeySpec &spec, bool *createdKey)
{
    if (createdKey)
        *createdKey = false;
    const bool empty = request.commonName.isEmpty() && request.dnsNames.isEmpty() && request.ipAddresses.isEmpty();
    SharedKey key;
    if (const KeystoreEntry *existing = store.find(alias)) {
        if (!existing->hasPrivateKey())
            return std::unexpected(QStringLiteral("'%1' is a trusted certificate: it has no key to request a certificate for")
                                       .arg(alias));
        key = existing->sharedKey();
        if (empty) {
            const auto details = CertificateDetails::of(existing->leaf());
            request.commonName = details.subjectCommonName;
            for (const QString &name : details.subjectAlternativeNames) {
                if (name.startsWith(u"DNS:"))
                    request.dnsNames << name.mid(4);
                else if (name.startsWith(u"IP:"))
                    request.ipAddresses << QHostAddress(name.mid(3));
            }
        }
    } else {
        if (empty)
            return std::unexpected(QStringLiteral("a new key needs a common name, a DNS name or an IP address"));
        // Like keytool: the pending key lives in the store with a self-signed placeholder
        // until the CA's reply replaces it.
        auto entry = generate(alias, request, spec);
        if (!entry)
            return std::unexpected(entry.error());
        key = entry->sharedKey();
        store.insert(*entry);
        if (createdKey)
            *createdKey = true;
    }
    return CsrFactory::createPem(key.get(), request);
}

std::optional<ExportFormat> exportFormatFromName(const QString &name)
{
    const QString lower = name.toLower();
    if (lower == u"pem")
        return ExportFormat::Pem;
    if (lower == u"der")
        return ExportFormat::Der;
    if (lower == u"pkcs12" || lower == u"p12")
        return ExportFormat::Pkcs12;
    return std::nullopt;
}

std::expected<QByteArray, QString> exportEntry(const KeystoreEntry &entry, ExportFormat format, bool chain,
                                               const QByteArray &password)
{
    switch (format) {
    case ExportFormat::Pem: {
        QByteArray data;
        for (qsizetype i = 0; i < (chain ? entry.chain().size() : 1); ++i)
            data += pem(entry.chain()[i].get()).toLatin1();
        return data;
    }
    case ExportFormat::Der: {
        if (chain)
            return std::unexpected(QStringLiteral("DER holds one certificate; export the chain as PEM"));
        unsigned char *der = nullptr;
        const int length = i2d_X509(entry.leaf(), &der);
        if (length <= 0)
            return std::unexpected(takeOpenSslError(QStringLiteral("cannot encode the certificate")));
        QByteArray data(reinterpret_cast<const char *>(der), length);
        OPENSSL_free(der);
        return data;
    }
    case ExportFormat::Pkcs12: {
        if (!entry.hasPrivateKey())
            return std::unexpected(QStringLiteral("'%1' has no private key; export it as PEM or DER").arg(entry.alias()));
        if (password.isEmpty())
            return std::unexpected(QStringLiteral("a PKCS#12 export needs a password"));
        Keystore single;
        single.insert(entry);
        return single.toPkcs12(password);
    }
    }
    return std::unexpected(QStringLiteral("unknown export format"));
}

} // namespace Postern::Tls::StoreOperations
