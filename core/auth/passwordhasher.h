#pragma once

// Password hashes for stored user passwords: Argon2id through libargon2 (Debian's
// libargon2-dev), in the standard encoded form "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>"
// that other Argon2 tools read and write.

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <expected>

namespace Postern::Auth::PasswordHasher {

// OWASP's recommended minimum for Argon2id: 19 MiB, 2 passes, 1 lane. Memory per check is
// what a login costs the gateway, so it stays moderate on purpose.
struct Parameters
{
    uint32_t memoryKiB = 19 * 1024;
    uint32_t timeCost = 2;
    uint32_t parallelism = 1;
};

// A new hash with a random 16-byte salt.
std::expected<QByteArray, QString> hash(const QByteArray &password, const Parameters &parameters = {});

// Whether `password` matches `encoded` (libargon2 compares in constant time). False for
// anything that is not an Argon2id hash.
bool verify(const QByteArray &password, const QByteArray &encoded);

// Whether a stored value is an Argon2id hash (rather than a plain-text password).
bool isHash(const QByteArray &stored);

} // namespace Postern::Auth::PasswordHasher
