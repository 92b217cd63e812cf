#pragma once

// Which kind of key pair to generate.

#include <QString>

#include <optional>

namespace Postern::Tls {

struct KeySpec
{
    enum class Type { Rsa, EcP256, EcP384, Ed25519 };
    Type type = Type::EcP256;
    int rsaBits = 2048;

    // "rsa2048", "rsa3072", "rsa4096", "ec-p256", "ec-p384", "ed25519"
    static std::optional<KeySpec> fromName(const QString &name);
    QString name() const;
};

} // namespace Postern::Tls
