#include "tls/certificatefactory.h"

#include <openssl/rand.h>

namespace Postern::Tls::CertificateFactory {

namespace {

std::expected<void, QString> addExtension(X509 *certificate, X509V3_CTX *context, int nid, const QByteArray &value)
{
    X509ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, context, nid, value.constData()));
    if (!extension || !X509_add_ext(certificate, extension.get(), -1))
        return std::unexpected(takeOpenSslError(QStringLiteral("cannot add extension %1 = %2")
                                                    .arg(QString::fromLatin1(OBJ_nid2sn(nid)),
                                                         QString::fromLatin1(value))));
    return {};
}

bool addNameEntry(X509_NAME *name, const char *field, const QString &value)
{
    if (value.isEmpty())
        return true;
    const QByteArray utf8 = value.toUtf8();
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char *>(utf8.constData()), -1, -1, 0) == 1;
}

std::expected<SharedCertificate, QString> build(EVP_PKEY *subjectKey, const CertificateRequest &request,
                                                X509 *issuer, EVP_PKEY *signingKey)
{
    if (request.commonName.isEmpty() && request.dnsNames.isEmpty() && request.ipAddresses.isEmpty())
        return std::unexpected(QStringLiteral("a certificate needs a common name or a subject alternative name"));
    X509Ptr certificate(X509_new());
    if (!certificate || !X509_set_version(certificate.get(), 2))
        return std::unexpected(takeOpenSslError(QStringLiteral("cannot create a certificate")));

    // A random positive 127-bit serial, as CAs are asked to use (RFC 5280 allows 20 octets).
    unsigned char serialBytes[16];
    if (RAND_bytes(serialBytes, sizeof serialBytes) != 1)
        return std::unexpected(takeOpenSslError(QStringLiteral("no randomness for a serial number")));
    serialBytes[0] &= 0x7f;
    BignumPtr serial(BN_bin2bn(serialBytes, sizeof serialBytes, nullptr));
    if (!serial || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get())))
        return std::unexpected(takeOpenSslError(QStringLiteral("cannot set the serial number")));

    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QDateTime notBefore = request.notBefore.isValid() ? request.notBefore : now.addSecs(-3600);
    const QDateTime notAfter = request.notAfter.isValid() ? request.notAfter : now.addDays(request.validityDays);
    if (notAfter <= notBefore)
        return std::unexpected(QStringLiteral("the certificate would expire before it becomes valid"));
    if (!ASN1_TIME_set(X509_getm_notBefore(certificate.get()), time_t(notBefore.toSecsSinceEpoch()))
        || !ASN1_TIME_set(X509_getm_notAfter(certificate.get()), time_t(notAfter.toSecsSinceEpoch())))
        return std::unexpected(takeOpenSslError(QStringLiteral("cannot set the validity period")));

    X509_NAME *subject = X509_get_subject_name(certificate.get());
    if (!addNameEntry(subject, "O", request.organization)
        || !addNameEntry(subject, "CN", request.commonName.isEmpty()
                                            ? (request.dnsNames.isEmpty() ? request.ipAddresses.first().toString()
                                                                          : request.dnsNames.first())
                                            : request.commonName))
        return std::unexpected(takeOpenSslError(QStringLiteral("cannot set the subject name")));
    if (!X509_set_issuer_name(certificate.get(), issuer ? X509_get_subject_name(issuer) : subject)
        || !X509_set_pubkey(certificate.get(), subjectKey))
        return std::unexpected(takeOpenSslError(QStringLiteral("cannot set the issuer or the public key")));

    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer ? issuer : certificate.get(), certificate.get(), nullptr, nullptr, 0);
    const bool rsa = EVP_PKEY_get_base_id(subjectKey) == EVP_PKEY_RSA;
    QList<QPair<int, QByteArray>> extensions;
    if (request.certificateAuthority) {
        extensions = {{NID_basic_constraints, "critical,CA:TRUE"},
                      {NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"}};
    } else {
        extensions = {{NID_basic_constraints, "critical,CA:FALSE"},
                      {NID_key_usage, rsa ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature"},
                      {NID_ext_key_usage, "serverAuth,clientAuth"}};
    }
    extensions.append({NID_subject_key_identifier, "hash"});
    if (issuer)
        extensions.append({NID_authority_key_identifier, "keyid:always"});
    QStringList altNames;
    for (const QString &dns : request.dnsNames)
        altNames << QStringLiteral("DNS:") + dns;
    for (const QHostAddress &ip : request.ipAddresses)
        altNames << QStringLiteral("IP:") + ip.toString();
    if (!altNames.isEmpty())
        extensions.append({NID_subject_alt_name, altNames.join(u',').toUtf8()});
    for (const auto &[nid, value] : std::as_const(extensions))
        if (auto added = addExtension(certificate.get(), &context, nid, value); !added)
            return std::unexpected(added.error());

    // Ed25519 signs without a separate digest; everything else signs SHA-256.
    const EVP_MD *digest = EVP_PKEY_get_base_id(signingKey) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
    if (X509_sign(certificate.get(), signingKey, digest) <= 0)
        return std::unexpected(takeOpenSslError(QStringLiteral("cannot sign the certificate")));
    return shareCertificate(std::move(certificate));
}

} // namespace

std::expected<SharedKey, QString> generateKey(const KeySpec &spec)
{
    EVP_PKEY *key = nullptr;
    switch (spec.type) {
    case KeySpec::Type::Rsa:
        if (spec.rsaBits < 2048)
            return std::unexpected(QStringLiteral("RSA keys shorter than 2048 bits are not made"));
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(spec.rsaBits));
        break;
    case KeySpec::Type::EcP256:
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
        break;
    case KeySpec::Type::EcP384:
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
        break;
    case KeySpec::Type::Ed25519:
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
        break;
    }
    if (!key)
        return std::unexpected(takeOpenSslError(QStringLiteral("cannot generate a %1 key").arg(spec.name())));
    return shareKey(EvpPkeyPtr(key));
}

std::expected<SharedCertificate, QString> selfSigned(EVP_PKEY *key, const CertificateRequest &request)
{
    return build(key, request, nullptr, key);
}

std::expected<SharedCertificate, QString> signedBy(EVP_PKEY *subjectKey, const CertificateRequest &request,
                                                   X509 *issuer, EVP_PKEY *issuerKey)
{
    if (!issuer || !issuerKey)
        return std::unexpected(QStringLiteral("no issuer certificate or key"));
    if (X509_check_private_key(issuer, issuerKey) != 1) {
        takeOpenSslError({});
        return std::unexpected(QStringLiteral("the issuer key does not match the issuer certificate"));
    }
    return build(subjectKey, request, issuer, issuerKey);
}

} // namespace Postern::Tls::CertificateFactory
