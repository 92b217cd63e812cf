// Fuzz target: the certificate importers (core/tls/certificateimporter, keystore): PEM and
// DER certificates and keys, a certbot pair (certificates and key in one PEM), PKCS#12 with a
// password, and the details read from every certificate that parses. The input is a file an
// administrator imports; every path must answer an entry or a message, never crash.
// The seed corpus is made by make-corpus.sh; PKCS#12 files with a throwaway key are added
// only to the working copy scripts/fuzz.sh makes.

#include "tls/certificatedetails.h"
#include "tls/certificateimporter.h"
#include "tls/keystore.h"

#include <openssl/err.h>

#include <cstdint>
#include <cstdlib>

using namespace Postern::Tls;

namespace {

// The password the fuzz seeds are encrypted with (make-corpus.sh, scripts/fuzz.sh).
const QByteArray kPassword = QByteArrayLiteral("postern-fuzz");

class FixedPassword final : public PasswordProvider
{
public:
    std::optional<QByteArray> password(const QString &) override { return kPassword; }
};

void readDetails(const QList<SharedCertificate> &certificates)
{
    for (const auto &certificate : certificates) {
        const CertificateDetails details = CertificateDetails::of(certificate.get());
        (void)details.toJson();
        (void)details.daysLeft();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString alias = QStringLiteral("fuzz");

    const auto certificates = CertificateImporter::readCertificates(bytes);
    if (certificates)
        readDetails(*certificates);

    FixedPassword passwords;
    const auto key = CertificateImporter::readPrivateKey(bytes, &passwords, QStringLiteral("the fuzz key"));
    (void)CertificateImporter::readPrivateKey(bytes, nullptr, QStringLiteral("the fuzz key"));
    if (key && certificates) { // a certbot pair: fullchain.pem and privkey.pem
        if (const auto entry = CertificateImporter::keyEntry(alias, *certificates, *key))
            readDetails(entry->chain());
    }

    if (const auto entry = CertificateImporter::keyEntryFromPkcs12(alias, bytes, kPassword))
        readDetails(entry->chain());
    if (const auto trusted = CertificateImporter::trustedEntries(alias, bytes, kPassword))
        for (const auto &entry : *trusted)
            readDetails(entry.chain());
    (void)CertificateImporter::trustedEntries(alias, bytes);

    // No importer may leave an error behind for an unrelated socket to trip over.
    if (ERR_peek_error() != 0)
        std::abort();
    return 0;
}
