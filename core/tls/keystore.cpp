#include "tls/keystore.h"

#include "util/atomicfile.h"
#include "util/filereader.h"

#include <QFile>

#include <openssl/err.h>
#include <openssl/pkcs12.h>

namespace Postern::Tls {

namespace {

constexpr int kIterations = 100'000; // PBKDF2 rounds for the key, certificate and MAC protection

using SafeBagStack = std::unique_ptr<STACK_OF(PKCS12_SAFEBAG), decltype([](STACK_OF(PKCS12_SAFEBAG) *s) {
    sk_PKCS12_SAFEBAG_pop_free(s, PKCS12_SAFEBAG_free);
})>;
using Pkcs7Stack = std::unique_ptr<STACK_OF(PKCS7), decltype([](STACK_OF(PKCS7) *s) {
    sk_PKCS7_pop_free(s, PKCS7_free);
})>;

QString friendlyName(const PKCS12_SAFEBAG *bag)
{
    char *name = PKCS12_get_friendlyname(const_cast<PKCS12_SAFEBAG *>(bag));
    if (!name)
        return {};
    QString result = QString::fromUtf8(name);
    OPENSSL_free(name);
    return result;
}

QByteArray localKeyId(const PKCS12_SAFEBAG *bag)
{
    const ASN1_TYPE *attribute = PKCS12_SAFEBAG_get0_attr(bag, NID_localKeyID);
    if (!attribute || attribute->type != V_ASN1_OCTET_STRING)
        return {};
    const ASN1_OCTET_STRING *id = attribute->value.octet_string;
    return QByteArray(reinterpret_cast<const char *>(ASN1_STRING_get0_data(id)), ASN1_STRING_length(id));
}

struct LoadedKey
{
    QString alias;
    QByteArray keyId;
    SharedKey key;
};

struct LoadedCertificate
{
    QString alias;
    QByteArray keyId;
    SharedCertificate certificate;
};

// The chain from `leaf` up through `pool`, leaf first, as far as the pool reaches.
QList<SharedCertificate> buildChain(const SharedCertificate &leaf, const QList<LoadedCertificate> &pool)
{
    QList<SharedCertificate> chain{leaf};
    X509 *current = leaf.get();
    while (chain.size() < 10 && !X509_self_signed(current, 0)) {
        const LoadedCertificate *next = nullptr;
        for (const auto &candidate : pool) {
            if (candidate.certificate.get() != current
                && X509_check_issued(candidate.certificate.get(), current) == X509_V_OK) {
                next = &candidate;
                break;
            }
        }
        if (!next)
            break;
        chain.append(next->certificate);
        current = next->certificate.get();
    }
    ERR_clear_error();
    return chain;
}

} // namespace

std::expected<Keystore, QString> Keystore::load(const QString &path, const QByteArray &password)
{
    const auto data = Util::FileReader::read(path, Util::FileReader::kKeystoreLimit, QStringLiteral("keystore"));
    if (!data)
        return std::unexpected(data.error());
    auto keystore = fromPkcs12(*data, password);
    if (!keystore)
        return std::unexpected(QStringLiteral("keystore '%1': %2").arg(path, keystore.error()));
    return keystore;
}

std::expected<Keystore, QString> Keystore::fromPkcs12(const QByteArray &der, const QByteArray &password)
{
    const auto *data = reinterpret_cast<const unsigned char *>(der.constData());
    Pkcs12Ptr p12(d2i_PKCS12(nullptr, &data, der.size()));
    if (!p12)
        return std::unexpected(takeOpenSslError(QStringLiteral("not a PKCS#12 file")));
    if (PKCS12_mac_present(p12.get())
        && !PKCS12_verify_mac(p12.get(), password.constData(), int(password.size()))) {
        takeOpenSslError({});
        return std::unexpected(QStringLiteral("wrong password, or the file is damaged (integrity check failed)"));
    }
    Pkcs7Stack safes(PKCS12_unpack_authsafes(p12.get()));
    if (!safes)
        return std::unexpected(takeOpenSslError(QStringLiteral("cannot read the PKCS#12 contents")));

    QList<LoadedKey> keys;
    QList<LoadedCertificate> certificates;
    for (int i = 0; i < sk_PKCS7_num(safes.get()); ++i) {
        PKCS7 *safe = sk_PKCS7_value(safes.get(), i);
        const int type = OBJ_obj2nid(safe->type);
        SafeBagStack bags(type == NID_pkcs7_data        ? PKCS12_unpack_p7data(safe)
                          : type == NID_pkcs7_encrypted ? PKCS12_unpack_p7encdata(safe, password.constData(),
                                                                                  int(password.size()))
                                                        : nullptr);
        if (!bags)
            return std::unexpected(takeOpenSslError(QStringLiteral("cannot open a PKCS#12 safe")));
        for (int j = 0; j < sk_PKCS12_SAFEBAG_num(bags.get()); ++j) {
            const PKCS12_SAFEBAG *bag = sk_PKCS12_SAFEBAG_value(bags.get(), j);
            switch (PKCS12_SAFEBAG_get_nid(bag)) {
            case NID_keyBag:
            case NID_pkcs8ShroudedKeyBag: {
                Pkcs8Ptr shrouded;
                const PKCS8_PRIV_KEY_INFO *info = nullptr;
                if (PKCS12_SAFEBAG_get_nid(bag) == NID_keyBag) {
                    info = PKCS12_SAFEBAG_get0_p8inf(bag);
                } else {
                    shrouded.reset(PKCS12_decrypt_skey(bag, password.constData(), int(password.size())));
                    info = shrouded.get();
                }
                EvpPkeyPtr key(info ? EVP_PKCS82PKEY(info) : nullptr);
                if (!key)
                    return std::unexpected(takeOpenSslError(QStringLiteral("cannot decrypt a private key")));
                keys.append({friendlyName(bag), localKeyId(bag), shareKey(std::move(key))});
                break;
            }
            case NID_certBag: {
                if (PKCS12_SAFEBAG_get_bag_nid(bag) != NID_x509Certificate)
                    break; // SDSI certificates: not X.509, nothing a TLS server can present
                X509Ptr certificate(PKCS12_SAFEBAG_get1_cert(bag));
                if (!certificate)
                    return std::unexpected(takeOpenSslError(QStringLiteral("cannot read a certificate")));
                certificates.append({friendlyName(bag), localKeyId(bag), shareCertificate(std::move(certificate))});
                break;
            }
            default:
                return std::unexpected(QStringLiteral("unsupported PKCS#12 bag type %1")
                                           .arg(QString::fromLatin1(OBJ_nid2sn(PKCS12_SAFEBAG_get_nid(bag)))));
            }
        }
    }

    Keystore keystore;
    QList<const LoadedCertificate *> usedAsLeaf;
    for (const auto &key : std::as_const(keys)) {
        // The leaf is the certificate that shares the key's localKeyId, or else whose public
        // key matches (files made by other tools do not always set the ID).
        // Each certificate bag is the leaf of one key at most.
        const auto unused = [&](const LoadedCertificate &candidate) {
            return !usedAsLeaf.contains(&candidate);
        };
        const LoadedCertificate *leaf = nullptr;
        for (const auto &candidate : std::as_const(certificates)) {
            if (!key.keyId.isEmpty() && candidate.keyId == key.keyId && unused(candidate)) {
                leaf = &candidate;
                break;
            }
        }
        if (!leaf) {
            for (const auto &candidate : std::as_const(certificates)) {
                if (unused(candidate) && X509_check_private_key(candidate.certificate.get(), key.key.get()) == 1) {
                    leaf = &candidate;
                    break;
                }
            }
            ERR_clear_error();
        }
        if (!leaf)
            return std::unexpected(QStringLiteral("the private key '%1' has no certificate").arg(key.alias));
        QString alias = !key.alias.isEmpty() ? key.alias : leaf->alias;
        if (alias.isEmpty())
            alias = QStringLiteral("entry-%1").arg(keystore.m_entries.size() + 1);
        if (keystore.find(alias))
            return std::unexpected(QStringLiteral("alias '%1' appears twice").arg(alias));
        keystore.m_entries.append(KeystoreEntry(alias, key.key, buildChain(leaf->certificate, certificates)));
        usedAsLeaf.append(leaf);
    }
    // Certificates with a name of their own and no key are trusted-certificate entries;
    // nameless ones are only links in some key entry's chain.
    // A certificate with a localKeyId belongs to a key, never a trusted entry of its own.
    for (const auto &certificate : std::as_const(certificates)) {
        if (certificate.alias.isEmpty() || !certificate.keyId.isEmpty() || usedAsLeaf.contains(&certificate))
            continue;
        if (keystore.find(certificate.alias))
            return std::unexpected(QStringLiteral("alias '%1' appears twice").arg(certificate.alias));
        keystore.m_entries.append(KeystoreEntry(certificate.alias, nullptr, {certificate.certificate}));
    }
    return keystore;
}

std::expected<QByteArray, QString> Keystore::readPasswordFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::unexpected(QStringLiteral("cannot read password file '%1': %2").arg(path, file.errorString()));
    QByteArray password = file.readLine(4096);
    while (password.endsWith('\n') || password.endsWith('\r'))
        password.chop(1);
    if (password.isEmpty())
        return std::unexpected(QStringLiteral("password file '%1' is empty").arg(path));
    return password;
}

std::expected<QByteArray, QString> Keystore::toPkcs12(const QByteArray &password) const
{
    if (password.isEmpty())
        return std::unexpected(QStringLiteral("a keystore needs a password"));
    Pkcs7Stack safes(sk_PKCS7_new_null());
    SafeBagStack trustedBags(sk_PKCS12_SAFEBAG_new_null());
    for (const auto &entry : m_entries) {
        if (!entry.hasPrivateKey()) {
            auto *rawTrusted = trustedBags.get();
            const QByteArray alias = entry.alias().toUtf8();
            PKCS12_SAFEBAG *bag = PKCS12_add_cert(&rawTrusted, entry.leaf());
            if (!bag || !PKCS12_add_friendlyname_utf8(bag, alias.constData(), int(alias.size())))
                return std::unexpected(takeOpenSslError(QStringLiteral("cannot store entry '%1'").arg(entry.alias())));
            continue;
        }
        SafeBagStack certificateBags(sk_PKCS12_SAFEBAG_new_null());
        SafeBagStack keyBags(sk_PKCS12_SAFEBAG_new_null());
        unsigned char keyId[EVP_MAX_MD_SIZE];
        unsigned int keyIdLength = 0;
        const QByteArray alias = entry.alias().toUtf8();
        auto *rawCertificates = certificateBags.get();
        auto *rawKeys = keyBags.get();
        PKCS12_SAFEBAG *leafBag = PKCS12_add_cert(&rawCertificates, entry.leaf());
        PKCS12_SAFEBAG *keyBag = PKCS12_add_key(&rawKeys, entry.key(), 0, kIterations, NID_aes_256_cbc,
                                                password.constData());
        // The key and its certificate share a localKeyId. It is made from the alias as well as
        // the certificate, so one certificate stored under two aliases stays two entries.
        const QByteArray leafDer = [&] {
            unsigned char *der = nullptr;
            const int length = i2d_X509(entry.leaf(), &der);
            QByteArray bytes(reinterpret_cast<const char *>(der), qMax(length, 0));
            OPENSSL_free(der);
            return bytes;
        }();
        const QByteArray idInput = alias + '\0' + leafDer;
        if (!leafBag || !keyBag
            || !EVP_Digest(idInput.constData(), size_t(idInput.size()), keyId, &keyIdLength, EVP_sha1(), nullptr)
            || !PKCS12_add_friendlyname_utf8(leafBag, alias.constData(), int(alias.size()))
            || !PKCS12_add_localkeyid(leafBag, keyId, int(keyIdLength))
            || !PKCS12_add_friendlyname_utf8(keyBag, alias.constData(), int(alias.size()))
            || !PKCS12_add_localkeyid(keyBag, keyId, int(keyIdLength)))
            return std::unexpected(takeOpenSslError(QStringLiteral("cannot store entry '%1'").arg(entry.alias())));
        for (qsizetype i = 1; i < entry.chain().size(); ++i)
            if (!PKCS12_add_cert(&rawCertificates, entry.chain().at(i).get()))
                return std::unexpected(takeOpenSslError(QStringLiteral("cannot store the chain of '%1'").arg(entry.alias())));
        auto *rawSafes = safes.get();
        if (!PKCS12_add_safe(&rawSafes, rawCertificates, NID_aes_256_cbc, kIterations, password.constData())
            || !PKCS12_add_safe(&rawSafes, rawKeys, -1, 0, nullptr))
            return std::unexpected(takeOpenSslError(QStringLiteral("cannot store entry '%1'").arg(entry.alias())));
    }
    if (sk_PKCS12_SAFEBAG_num(trustedBags.get()) > 0) {
        auto *rawSafes = safes.get();
        if (!PKCS12_add_safe(&rawSafes, trustedBags.get(), NID_aes_256_cbc, kIterations, password.constData()))
            return std::unexpected(takeOpenSslError(QStringLiteral("cannot store the trusted certificates")));
    }
    Pkcs12Ptr p12(PKCS12_add_safes(safes.get(), 0));
    if (!p12 || !PKCS12_set_mac(p12.get(), password.constData(), int(password.size()), nullptr, 0, kIterations,
                                EVP_sha256()))
        return std::unexpected(takeOpenSslError(QStringLiteral("cannot build the PKCS#12 file")));
    unsigned char *der = nullptr;
    const int length = i2d_PKCS12(p12.get(), &der);
    if (length <= 0)
        return std::unexpected(takeOpenSslError(QStringLiteral("cannot encode the PKCS#12 file")));
    QByteArray result(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    return result;
}

std::expected<void, QString> Keystore::save(const QString &path, const QByteArray &password) const
{
    const auto data = toPkcs12(password);
    if (!data)
        return std::unexpected(data.error());
    // Never replace a working file with one that cannot be read back as the same entries.
    const auto reread = fromPkcs12(*data, password);
    if (!reread || reread->entries().size() != m_entries.size())
        return std::unexpected(QStringLiteral("refusing to write '%1': the new contents would not read back (%2)")
                                   .arg(path, reread ? QStringLiteral("entries differ") : reread.error()));
    return Util::AtomicFile::write(path, *data, true);
}

const KeystoreEntry *Keystore::find(const QString &alias) const
{
    for (const auto &entry : m_entries)
        if (entry.alias() == alias)
            return &entry;
    return nullptr;
}

const KeystoreEntry *Keystore::firstKeyEntry() const
{
    for (const auto &entry : m_entries)
        if (entry.hasPrivateKey())
            return &entry;
    return nullptr;
}

void Keystore::insert(const KeystoreEntry &entry)
{
    for (auto &existing : m_entries) {
        if (existing.alias() == entry.alias()) {
            existing = entry;
            return;
        }
    }
    m_entries.append(entry);
}

std::expected<void, QString> Keystore::rename(const QString &alias, const QString &newAlias)
{
    if (newAlias.trimmed().isEmpty())
        return std::unexpected(QStringLiteral("an alias cannot be empty"));
    if (find(newAlias))
        return std::unexpected(QStringLiteral("alias '%1' already exists").arg(newAlias));
    for (auto &entry : m_entries) {
        if (entry.alias() == alias) {
            entry.setAlias(newAlias);
            return {};
        }
    }
    return std::unexpected(QStringLiteral("no entry '%1'").arg(alias));
}

bool Keystore::remove(const QString &alias)
{
    return m_entries.removeIf([&](const KeystoreEntry &entry) { return entry.alias() == alias; }) > 0;
}

const KeystoreEntry *Keystore::entryForHost(const QString &host) const
{
    const QString name = host.toLower();
    if (const KeystoreEntry *byAlias = find(name); byAlias && byAlias->covers(name))
        return byAlias; // covers() is false for entries without a key
    for (const auto &entry : m_entries)
        if (entry.covers(name))
            return &entry;
    return nullptr;
}

} // namespace Postern::Tls
