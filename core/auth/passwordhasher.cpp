#include "auth/passwordhasher.h"

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

namespace Postern::Auth::PasswordHasher {

namespace {
constexpr uint32_t kSaltLength = 16;
constexpr uint32_t kHashLength = 32;
} // namespace

std::expected<QByteArray, QString> hash(const QByteArray &password, const Parameters &parameters)
{
    unsigned char salt[kSaltLength];
    if (RAND_bytes(salt, int(sizeof salt)) != 1)
        return std::unexpected(QStringLiteral("no randomness for a salt"));
    const size_t length = argon2_encodedlen(parameters.timeCost, parameters.memoryKiB, parameters.parallelism,
                                            kSaltLength, kHashLength, Argon2_id);
    QByteArray encoded(qsizetype(length), '\0');
    const int result = argon2id_hash_encoded(parameters.timeCost, parameters.memoryKiB, parameters.parallelism,
                                             password.constData(), size_t(password.size()), salt, kSaltLength,
                                             kHashLength, encoded.data(), length);
    OPENSSL_cleanse(salt, sizeof salt);
    if (result != ARGON2_OK)
        return std::unexpected(QStringLiteral("cannot hash the password: %1")
                                   .arg(QString::fromLatin1(argon2_error_message(result))));
    encoded.truncate(qsizetype(qstrlen(encoded.constData())));
    return encoded;
}

bool verify(const QByteArray &password, const QByteArray &encoded)
{
    if (!isHash(encoded))
        return false;
    // argon2id_verify wants a NUL-terminated string; QByteArray::constData() is one.
    return argon2id_verify(encoded.constData(), password.constData(), size_t(password.size())) == ARGON2_OK;
}

bool isHash(const QByteArray &stored)
{
    return stored.startsWith("$argon2id$");
}

} // namespace Postern::Auth::PasswordHasher
