#include "auth/jwtvalidator.h"
#include "auth/tokenloginmodule.h"
#include "tls/certificatefactory.h"
#include "testjwt.h"
#include "testpki.h"

#include <openssl/rsa.h>

#include <QTemporaryDir>
#include <QtTest>

using namespace Postern;
using namespace Postern::Auth;
using Postern::Testing::TestJwt;

namespace {

const QByteArray kSecret = QByteArrayLiteral("0123456789abcdef0123456789abcdef-test-only");
const QDateTime kNow = QDateTime::fromSecsSinceEpoch(1'800'000'000, Qt::UTC);

QJsonObject claims(qint64 expiresIn = 300)
{
    return {{QStringLiteral("sub"), QStringLiteral("alice")},
            {QStringLiteral("exp"), double(kNow.toSecsSinceEpoch() + expiresIn)},
            {QStringLiteral("iss"), QStringLiteral("https://issuer.test")},
            {QStringLiteral("aud"), QStringLiteral("postern")},
            {QStringLiteral("roles"), QJsonArray{QStringLiteral("AUTHORIZED"), QStringLiteral("READER")}}};
}

JwtValidator hs256(JwtRules rules = {})
{
    return JwtValidator(*JwtKey::fromSecret(kSecret), std::move(rules));
}

Tls::SharedKey key(Tls::KeySpec::Type type)
{
    Tls::KeySpec spec;
    spec.type = type;
    return *Tls::CertificateFactory::generateKey(spec);
}

} // namespace

class TestJwtValidator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validHs256()
    {
        const auto result = hs256().validate(TestJwt::hs256(claims(), kSecret), kNow);
        QVERIFY2(result, qPrintable(result.error()));
        QCOMPARE(result->user, QStringLiteral("alice"));
        QCOMPARE(result->roles, QStringList({QStringLiteral("AUTHORIZED"), QStringLiteral("READER")}));
    }

    void refusals_data()
    {
        QTest::addColumn<QByteArray>("token");
        QTest::addColumn<QString>("reason");
        QJsonObject c = claims();
        QTest::newRow("expired") << TestJwt::hs256(claims(-31), kSecret) << "token expired at 2027-01-15T07:59:29Z";
        c = claims();
        c.insert(QStringLiteral("nbf"), double(kNow.toSecsSinceEpoch() + 31));
        QTest::newRow("not yet valid") << TestJwt::hs256(c, kSecret) << "token not valid before 2027-01-15T08:00:31Z";
        c = claims();
        c.insert(QStringLiteral("iss"), QStringLiteral("https://evil.test"));
        QTest::newRow("wrong issuer") << TestJwt::hs256(c, kSecret) << "token issuer 'https://evil.test' is not 'https://issuer.test'";
        c = claims();
        c.insert(QStringLiteral("aud"), QJsonArray{QStringLiteral("other"), QStringLiteral("another")});
        QTest::newRow("wrong audience") << TestJwt::hs256(c, kSecret) << "token audience does not include 'postern'";
        c = claims();
        c.remove(QStringLiteral("exp"));
        QTest::newRow("no exp") << TestJwt::hs256(c, kSecret) << "token has no expiry (exp)";
        c = claims();
        c.remove(QStringLiteral("sub"));
        QTest::newRow("no sub") << TestJwt::hs256(c, kSecret) << "token has no subject (sub)";
        c = claims();
        c.insert(QStringLiteral("roles"), QJsonArray{1, 2});
        QTest::newRow("roles not strings") << TestJwt::hs256(c, kSecret) << "token claim 'roles' holds something other than role names";
        QTest::newRow("wrong key") << TestJwt::hs256(claims(), kSecret + "x") << "bad token signature";
        QByteArray tampered = TestJwt::hs256(claims(), kSecret);
        const QList<QByteArray> parts = tampered.split('.');
        c = claims();
        c.insert(QStringLiteral("sub"), QStringLiteral("root"));
        tampered = parts[0] + '.' + TestJwt::base64Url(QJsonDocument(c).toJson(QJsonDocument::Compact)) + '.' + parts[2];
        QTest::newRow("tampered claims") << tampered << "bad token signature";
        QTest::newRow("alg none") << TestJwt::unsigned_(claims()) << "unsigned token (alg none) refused";
        QTest::newRow("alg none, signature kept")
            << QByteArray(TestJwt::unsigned_(claims()) + parts[2]) << "unsigned token (alg none) refused";
        QTest::newRow("two parts") << QByteArray(parts[0] + '.' + parts[1]) << "not a JSON Web Token in compact form";
        QTest::newRow("four parts") << QByteArray(tampered + ".x") << "not a JSON Web Token in compact form";
        QTest::newRow("padding") << QByteArray(parts[0] + "=." + parts[1] + '.' + parts[2]) << "malformed token header";
        QTest::newRow("header not JSON") << QByteArray(TestJwt::base64Url("{alg") + '.' + parts[1] + '.' + parts[2])
                                         << "malformed token header";
        QTest::newRow("empty signature") << QByteArray(parts[0] + '.' + parts[1] + '.') << "malformed token signature";
        QTest::newRow("too long") << QByteArray(JwtValidator::kMaximumTokenSize + 1, 'a')
                                  << "token longer than 16384 bytes";
        const QByteArray critical = TestJwt::signingInput(
            {{QStringLiteral("alg"), QStringLiteral("HS256")}, {QStringLiteral("crit"), QJsonArray{QStringLiteral("exp")}}}, claims());
        QTest::newRow("crit") << QByteArray(critical + ".AAAA")
                              << "token has critical header extensions this gateway does not understand";
    }
    void refusals()
    {
        QFETCH(QByteArray, token);
        QFETCH(QString, reason);
        JwtRules rules;
        rules.issuer = QStringLiteral("https://issuer.test");
        rules.audience = QStringLiteral("postern");
        const auto result = hs256(rules).validate(token, kNow);
        QVERIFY(!result);
        QCOMPARE(result.error(), reason);
    }

    void leewayAndClaims()
    {
        // Inside the default 30 s of clock skew both ways.
        QJsonObject c = claims(-29);
        c.insert(QStringLiteral("nbf"), double(kNow.toSecsSinceEpoch() + 29));
        QVERIFY(hs256().validate(TestJwt::hs256(c, kSecret), kNow));
        JwtRules strict;
        strict.leeway = std::chrono::seconds(0);
        QVERIFY(!hs256(strict).validate(TestJwt::hs256(c, kSecret), kNow));
        // Audience as a list; roles from a nested claim or a space-separated string.
        c = claims();
        c.insert(QStringLiteral("aud"), QJsonArray{QStringLiteral("x"), QStringLiteral("postern")});
        c.insert(QStringLiteral("realm_access"), QJsonObject{{QStringLiteral("roles"), QJsonArray{QStringLiteral("ADMIN")}}});
        c.insert(QStringLiteral("scope"), QStringLiteral("read  write"));
        JwtRules rules;
        rules.audience = QStringLiteral("postern");
        rules.rolesClaim = QStringLiteral("realm_access.roles");
        auto result = hs256(rules).validate(TestJwt::hs256(c, kSecret), kNow);
        QVERIFY(result);
        QCOMPARE(result->roles, QStringList{QStringLiteral("ADMIN")});
        rules.rolesClaim = QStringLiteral("scope");
        result = hs256(rules).validate(TestJwt::hs256(c, kSecret), kNow);
        QVERIFY(result);
        QCOMPARE(result->roles, QStringList({QStringLiteral("read"), QStringLiteral("write")}));
        rules.rolesClaim = QStringLiteral("absent");
        result = hs256(rules).validate(TestJwt::hs256(c, kSecret), kNow);
        QVERIFY(result);
        QVERIFY(result->roles.isEmpty());
    }

    void publicKeyAlgorithms()
    {
        const Tls::SharedKey rsa = key(Tls::KeySpec::Type::Rsa);
        const Tls::SharedKey otherRsa = key(Tls::KeySpec::Type::Rsa);
        const Tls::SharedKey ec = key(Tls::KeySpec::Type::EcP256);
        const Tls::SharedKey otherEc = key(Tls::KeySpec::Type::EcP256);
        QTemporaryDir dir;
        const auto write = [&](const QString &name, const QByteArray &data) {
            QFile file(dir.filePath(name));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(data);
        };
        write(QStringLiteral("rsa.pem"), TestJwt::publicKeyPem(rsa.get()));
        write(QStringLiteral("ec.pem"), TestJwt::publicKeyPem(ec.get()));

        const auto rsaKey = JwtKey::fromFile(JwtKey::Algorithm::RS256, dir.filePath(QStringLiteral("rsa.pem")));
        QVERIFY2(rsaKey, qPrintable(rsaKey.error()));
        const JwtValidator rs(*rsaKey, {});
        QVERIFY(rs.validate(TestJwt::rs256(claims(), rsa.get()), kNow));
        QCOMPARE(rs.validate(TestJwt::rs256(claims(), otherRsa.get()), kNow).error(), QStringLiteral("bad token signature"));
        // Algorithm confusion: the RSA public key used as an HMAC secret.
        QCOMPARE(rs.validate(TestJwt::hs256(claims(), TestJwt::publicKeyPem(rsa.get())), kNow).error(),
                 QStringLiteral("token signed with 'HS256'; this realm accepts only RS256"));

        const auto ecKey = JwtKey::fromFile(JwtKey::Algorithm::ES256, dir.filePath(QStringLiteral("ec.pem")));
        QVERIFY2(ecKey, qPrintable(ecKey.error()));
        const JwtValidator es(*ecKey, {});
        QVERIFY(es.validate(TestJwt::es256(claims(), ec.get()), kNow));
        QCOMPARE(es.validate(TestJwt::es256(claims(), otherEc.get()), kNow).error(), QStringLiteral("bad token signature"));
        // A DER signature where JWS wants r||s.
        QByteArray token = TestJwt::es256(claims(), ec.get());
        token.truncate(token.lastIndexOf('.') + 1);
        token += TestJwt::base64Url(QByteArray(70, '\x30'));
        QCOMPARE(es.validate(token, kNow).error(), QStringLiteral("bad token signature"));

        // Keys that do not fit the algorithm are refused when the realm loads.
        QVERIFY(!JwtKey::fromFile(JwtKey::Algorithm::ES256, dir.filePath(QStringLiteral("rsa.pem"))));
        QVERIFY(!JwtKey::fromFile(JwtKey::Algorithm::RS256, dir.filePath(QStringLiteral("ec.pem"))));
        const Tls::EvpPkeyPtr small(EVP_RSA_gen(1024)); // the factory refuses to make one
        write(QStringLiteral("small.pem"), TestJwt::publicKeyPem(small.get()));
        const auto weak = JwtKey::fromFile(JwtKey::Algorithm::RS256, dir.filePath(QStringLiteral("small.pem")));
        QVERIFY(!weak);
        QVERIFY2(weak.error().contains(u"1024-bit"), qPrintable(weak.error()));
        write(QStringLiteral("short.secret"), "too short\n");
        const auto shortSecret = JwtKey::fromFile(JwtKey::Algorithm::HS256, dir.filePath(QStringLiteral("short.secret")));
        QVERIFY(!shortSecret);
        QVERIFY(shortSecret.error().contains(u"at least 32 bytes"));
        write(QStringLiteral("good.secret"), kSecret + '\n');
        const auto secret = JwtKey::fromFile(JwtKey::Algorithm::HS256, dir.filePath(QStringLiteral("good.secret")));
        QVERIFY(secret);
        QVERIFY(JwtValidator(*secret, {}).validate(TestJwt::hs256(claims(), kSecret), kNow)); // newline not part of it
    }

    void keyFromCertificate()
    {
        const Testing::TestPki pki;
        const Tls::KeystoreEntry entry = pki.serverEntry(QStringLiteral("issuer"), {QStringLiteral("issuer.test")});
        const auto key = JwtKey::fromCertificate(JwtKey::Algorithm::ES256, entry.certificate());
        QVERIFY2(key, qPrintable(key.error()));
        QVERIFY(JwtValidator(*key, {}).validate(TestJwt::es256(claims(), entry.sharedKey().get()), kNow));
        QVERIFY(!JwtKey::fromCertificate(JwtKey::Algorithm::RS256, entry.certificate()));
    }

    void moduleNeedsAToken()
    {
        const TokenLoginModule module(hs256());
        Credentials credentials;
        credentials.user = QStringLiteral("alice");
        credentials.password = "pw";
        QCOMPARE(module.login(credentials).error(), QStringLiteral("no token"));
    }
};

QTEST_GUILESS_MAIN(TestJwtValidator)
#include "tst_jwtvalidator.moc"
