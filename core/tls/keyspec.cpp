#include "tls/keyspec.h"

namespace Postern::Tls {

std::optional<KeySpec> KeySpec::fromName(const QString &name)
{
    const QString n = name.toLower();
    if (n == u"rsa2048" || n == u"rsa3072" || n == u"rsa4096")
        return KeySpec{Type::Rsa, n.mid(3).toInt()};
    if (n == u"ec-p256")
        return KeySpec{Type::EcP256, 0};
    if (n == u"ec-p384")
        return KeySpec{Type::EcP384, 0};
    if (n == u"ed25519")
        return KeySpec{Type::Ed25519, 0};
    return std::nullopt;
}

QString KeySpec::name() const
{
    switch (type) {
    case Type::Rsa: return QStringLiteral("rsa") + QString::number(rsaBits);
    case Type::EcP256: return QStringLiteral("ec-p256");
    case Type::EcP384: return QStringLiteral("ec-p384");
    case Type::Ed25519: return QStringLiteral("ed25519");
    }
    return {};
}

} // namespace Postern::Tls
