#include "tls/csrfactory.h"

#include "tls/certificatedetails.h"
#include "tls/certificateimporter.h"

#include <openssl/err.h>
#include <openssl/pem.h>

namespace Postern::Tls::CsrFactory {

namespace {
using ReqPtr = std::unique_ptr<X509_REQ, OpenSslDeleter<X509_REQ_free>>;
using ExtensionStack = std::unique_ptr<STACK_OF(X509_EXTENSION), decltype([](STACK_OF(X509_EXTENSION) *s) {
    sk_X509_EXTENSION_pop_free(s, X509_EXTENSION_free);
})>;
} // namespace

std::expected<QByteArray, QString> createPem(EVP_PKEY *key, const CertificateRequest &request)
{
    if (!key)
        return std::unexpected(QStringLiteral("no key"));
    if (request.commonName.isEmpty() && request.dnsNames.isEmpty() && request.ipAddresses.isEmpty())
        return std::unexpected(QStringLiteral("a request needs a common name or a subject alternative name"));
    ReqPtr req(X509_REQ_new());
    if (!req || !X509_REQ_set_version(req.get(), 0) || !X509_REQ_set_pubkey(req.get(), key))
        return std::unexpected(takeOpenSslError(QStringLiteral("cannot create the request")));
    X509_NAME *subject = X509_REQ_get_subject_name(req.get());
    const auto add = [&](const char *field, const QString &value) {
        const QByteArray utf8 = value.toUtf8();
        return value.isEmpty()
            || X509_NAME_add_entry_by_txt(subject, field, MBSTRING_UTF8,
                                          reinterpret_cast<const unsigned char *>(utf8.constData()), -1, -1, 0) == 1;
    };
    const QString commonName = !request.commonName.isEmpty() ? request.commonName
        : !request.dnsNames.isEmpty()                        ? request.dnsNames.first()
                                                             : request.ipAddresses.first().toString();
    if (!add("O", request.organization) || !add("CN", commonName))
        return std::unexpected(takeOpenSslError(QStringLiteral("cannot set the subject")));

    QStringList altNames;
    for (const QString &dns : request.dnsNames)
        altNames << QStringLiteral("DNS:") + dns;
    for (const QHostAddress &ip : request.ipAddresses)
        altNames << QStringLiteral("IP:") + ip.toString();
    if (!altNames.isEmpty()) {
        ExtensionStack extensions(sk_X509_EXTENSION_new_null());
        const QByteArray value = altNames.join(u',').toUtf8();
        X509_EXTENSION *san = X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, value.constData());
        if (!san || !sk_X509_EXTENSION_push(extensions.get(), san)
            || !X509_REQ_add_extensions(req.get(), extensions.get()))
            return std::unexpected(takeOpenSslError(QStringLiteral("cannot add the subject alternative names")));
    }
    const EVP_MD *digest = EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
    if (X509_REQ_sign(req.get(), key, digest) <= 0)
        return std::unexpected(takeOpenSslError(QStringLiteral("cannot sign the request")));
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!PEM_write_bio_X509_REQ(bio.get(), req.get()))
        return std::unexpected(takeOpenSslError(QStringLiteral("cannot encode the request")));
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return QByteArray(data, length);
}

std::expected<KeystoreEntry, QString> installReply(const KeystoreEntry &pending, const QList<SharedCertificate> &reply,
                                                   const QList<SharedCertificate> &issuers)
{
    if (!pending.hasPrivateKey())
        return std::unexpected(QStringLiteral("'%1' has no private key to install a reply onto").arg(pending.alias()));
    const SharedCertificate leaf = CertificateImporter::certificateFor(pending.sharedKey(), reply);
    if (!leaf)
        return std::unexpected(QStringLiteral("the reply does not match the key of '%1': no certificate in it carries "
                                              "that public key (was it issued for another request?)")
                                   .arg(pending.alias()));
    QList<SharedCertificate> unused;
    QList<SharedCertificate> chain = CertificateImporter::orderChain(leaf, reply, &unused);
    if (!unused.isEmpty())
        return std::unexpected(QStringLiteral("certificate '%1' in the reply is not part of the chain of '%2'")
                                   .arg(CertificateDetails::of(unused.first().get()).subject,
                                        CertificateDetails::of(leaf.get()).subject));
    if (!X509_self_signed(chain.last().get(), 0) && !issuers.isEmpty()) {
        const QList<SharedCertificate> completed = CertificateImporter::orderChain(chain.last(), issuers);
        chain.append(completed.mid(1));
    }
    ERR_clear_error();
    return KeystoreEntry(pending.alias(), pending.sharedKey(), chain);
}

} // namespace Postern::Tls::CsrFactory
