#pragma once

// Signs JSON Web Tokens for tests, independently of the gateway's verifier: HS256 with a
// secret, RS256/ES256 with a private key made on the fly, or no signature at all.

#include "tls/opensslhandles.h"

#include <QByteArray>
#include <QJsonObject>

namespace Postern::Testing {

class TestJwt
{
public:
    static QByteArray base64Url(const QByteArray &bytes);
    // header.payload, both base64url JSON.
    static QByteArray signingInput(const QJsonObject &header, const QJsonObject &claims);
    static QByteArray hs256(const QJsonObject &claims, const QByteArray &secret);
    static QByteArray rs256(const QJsonObject &claims, EVP_PKEY *key);
    static QByteArray es256(const QJsonObject &claims, EVP_PKEY *key);
    // With "alg": "none" and an empty signature.
    static QByteArray unsigned_(const QJsonObject &claims);
    // The PEM public key of `key`.
    static QByteArray publicKeyPem(EVP_PKEY *key);
};

} // namespace Postern::Testing
