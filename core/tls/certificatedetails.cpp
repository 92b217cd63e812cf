#include "tls/certificatedetails.h"

#include "tls/opensslhandles.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QtMath>

#include <openssl/err.h>

namespace Postern::Tls {

namespace {

QString nameToString(const X509_NAME *name)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return QString::fromUtf8(data, length);
}

QString commonName(const X509_NAME *name)
{
    const int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (index < 0)
        return {};
    const ASN1_STRING *value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
    unsigned char *utf8 = nullptr;
    const int length = ASN1_STRING_to_UTF8(&utf8, value);
    if (length < 0)
        return {};
    QString result = QString::fromUtf8(reinterpret_cast<const char *>(utf8), length);
    OPENSSL_free(utf8);
    return result;
}

QDateTime toDateTime(const ASN1_TIME *time)
{
    struct tm parts = {};
    if (!time || ASN1_TIME_to_tm(time, &parts) != 1)
        return {};
    return QDateTime(QDate(parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday),
                     QTime(parts.tm_hour, parts.tm_min, parts.tm_sec), Qt::UTC);
}

QString fingerprint(X509 *certificate, const EVP_MD *digest)
{
    unsigned char bytes[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!X509_digest(certificate, digest, bytes, &length))
        return {};
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(bytes), length).toHex(':').toUpper());
}

QStringList alternativeNames(X509 *certificate)
{
    QStringList names;
    GeneralNamesPtr general(static_cast<GENERAL_NAMES *>(X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr)));
    if (!general)
        return names;
    for (int i = 0; i < sk_GENERAL_NAME_num(general.get()); ++i) {
        const GENERAL_NAME *name = sk_GENERAL_NAME_value(general.get(), i);
        if (name->type == GEN_DNS) {
            names << QStringLiteral("DNS:") + QString::fromLatin1(reinterpret_cast<const char *>(
                                                                       ASN1_STRING_get0_data(name->d.dNSName)),
                                                                   ASN1_STRING_length(name->d.dNSName));
        } else if (name->type == GEN_IPADD) {
            const unsigned char *bytes = ASN1_STRING_get0_data(name->d.iPAddress);
            const int length = ASN1_STRING_length(name->d.iPAddress);
            QHostAddress address;
            if (length == 4)
                address.setAddress(quint32((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]));
            else if (length == 16)
                address.setAddress(bytes);
            names << QStringLiteral("IP:") + address.toString();
        } else if (name->type == GEN_EMAIL) {
            names << QStringLiteral("email:") + QString::fromLatin1(reinterpret_cast<const char *>(
                                                                         ASN1_STRING_get0_data(name->d.rfc822Name)),
                                                                     ASN1_STRING_length(name->d.rfc822Name));
        } else if (name->type == GEN_URI) {
            names << QStringLiteral("URI:") + QString::fromLatin1(reinterpret_cast<const char *>(
                                                                       ASN1_STRING_get0_data(name->d.uniformResourceIdentifier)),
                                                                   ASN1_STRING_length(name->d.uniformResourceIdentifier));
        }
    }
    return names;
}

QStringList keyUsages(X509 *certificate)
{
    static const QList<QPair<uint32_t, const char *>> bits = {
        {KU_DIGITAL_SIGNATURE, "digitalSignature"}, {KU_NON_REPUDIATION, "nonRepudiation"},
        {KU_KEY_ENCIPHERMENT, "keyEncipherment"},   {KU_DATA_ENCIPHERMENT, "dataEncipherment"},
        {KU_KEY_AGREEMENT, "keyAgreement"},         {KU_KEY_CERT_SIGN, "keyCertSign"},
        {KU_CRL_SIGN, "cRLSign"},                   {KU_ENCIPHER_ONLY, "encipherOnly"},
        {KU_DECIPHER_ONLY, "decipherOnly"}};
    QStringList result;
    const uint32_t usage = X509_get_key_usage(certificate);
    if (usage == UINT32_MAX)
        return result; // no extension: any usage
    for (const auto &[bit, name] : bits)
        if (usage & bit)
            result << QString::fromLatin1(name);
    return result;
}

QStringList extendedKeyUsages(X509 *certificate)
{
    QStringList result;
    auto *usages = static_cast<EXTENDED_KEY_USAGE *>(X509_get_ext_d2i(certificate, NID_ext_key_usage, nullptr, nullptr));
    if (!usages)
        return result;
    for (int i = 0; i < sk_ASN1_OBJECT_num(usages); ++i) {
        const int nid = OBJ_obj2nid(sk_ASN1_OBJECT_value(usages, i));
        result << QString::fromLatin1(nid == NID_undef ? "unknown" : OBJ_nid2sn(nid));
    }
    EXTENDED_KEY_USAGE_free(usages);
    return result;
}

} // namespace

CertificateDetails CertificateDetails::of(X509 *certificate)
{
    CertificateDetails d;
    if (!certificate)
        return d;
    d.subject = nameToString(X509_get_subject_name(certificate));
    d.subjectCommonName = commonName(X509_get_subject_name(certificate));
    d.issuer = nameToString(X509_get_issuer_name(certificate));
    d.issuerCommonName = commonName(X509_get_issuer_name(certificate));
    d.subjectAlternativeNames = alternativeNames(certificate);
    if (BignumPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(certificate), nullptr)); serial) {
        const int length = BN_num_bytes(serial.get());
        QByteArray bytes(qMax(length, 1), '\0');
        BN_bn2bin(serial.get(), reinterpret_cast<unsigned char *>(bytes.data()));
        d.serialNumber = QString::fromLatin1(bytes.toHex(':').toUpper());
    }
    d.notBefore = toDateTime(X509_get0_notBefore(certificate));
    d.notAfter = toDateTime(X509_get0_notAfter(certificate));
    if (EVP_PKEY *key = X509_get0_pubkey(certificate)) {
        const int id = EVP_PKEY_get_base_id(key);
        d.keyBits = EVP_PKEY_get_bits(key);
        switch (id) {
        case EVP_PKEY_RSA: d.keyType = QStringLiteral("RSA"); break;
        case EVP_PKEY_EC: d.keyType = QStringLiteral("EC"); break;
        case EVP_PKEY_ED25519: d.keyType = QStringLiteral("Ed25519"); break;
        case EVP_PKEY_ED448: d.keyType = QStringLiteral("Ed448"); break;
        default: d.keyType = QString::fromLatin1(OBJ_nid2sn(id)); break;
        }
        if (id == EVP_PKEY_EC) {
            char group[64] = {};
            size_t length = 0;
            if (EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof group, &length)) {
                const int nid = OBJ_sn2nid(group);
                const char *nist = nid == NID_undef ? nullptr : EC_curve_nid2nist(nid);
                d.curve = QString::fromLatin1(nist ? nist : group);
            }
        }
    }
    d.signatureAlgorithm = QString::fromLatin1(OBJ_nid2ln(X509_get_signature_nid(certificate)));
    d.sha256Fingerprint = fingerprint(certificate, EVP_sha256());
    d.sha1Fingerprint = fingerprint(certificate, EVP_sha1());
    d.selfSigned = X509_self_signed(certificate, 1) == 1;
    d.certificateAuthority = X509_check_ca(certificate) > 0 && (X509_get_extension_flags(certificate) & EXFLAG_CA);
    d.keyUsage = keyUsages(certificate);
    d.extendedKeyUsage = extendedKeyUsages(certificate);
    ERR_clear_error();
    return d;
}

qint64 CertificateDetails::daysLeft(const QDateTime &now) const
{
    return qFloor(now.secsTo(notAfter) / 86400.0);
}

QJsonObject CertificateDetails::toJson() const
{
    return {
        {QStringLiteral("subject"), subject},
        {QStringLiteral("subjectCommonName"), subjectCommonName},
        {QStringLiteral("issuer"), issuer},
        {QStringLiteral("issuerCommonName"), issuerCommonName},
        {QStringLiteral("subjectAlternativeNames"), QJsonArray::fromStringList(subjectAlternativeNames)},
        {QStringLiteral("serialNumber"), serialNumber},
        {QStringLiteral("notBefore"), notBefore.toString(Qt::ISODate)},
        {QStringLiteral("notAfter"), notAfter.toString(Qt::ISODate)},
        {QStringLiteral("daysLeft"), daysLeft()},
        {QStringLiteral("keyType"), keyType},
        {QStringLiteral("keyBits"), keyBits},
        {QStringLiteral("curve"), curve},
        {QStringLiteral("signatureAlgorithm"), signatureAlgorithm},
        {QStringLiteral("sha256"), sha256Fingerprint},
        {QStringLiteral("sha1"), sha1Fingerprint},
        {QStringLiteral("selfSigned"), selfSigned},
        {QStringLiteral("certificateAuthority"), certificateAuthority},
        {QStringLiteral("keyUsage"), QJsonArray::fromStringList(keyUsage)},
        {QStringLiteral("extendedKeyUsage"), QJsonArray::fromStringList(extendedKeyUsage)},
    };
}

} // namespace Postern::Tls
