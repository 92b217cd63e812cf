#include "auth/sessioncookie.h"

#include <QJsonDocument>
#include <QtTest>

using namespace Postern::Auth;

namespace {

const QByteArray kKey = QByteArrayLiteral("sso-test-key-of-at-least-32-bytes!!");
const QDateTime kLogin = QDateTime::fromSecsSinceEpoch(1'800'000'000, Qt::UTC);

SessionCookie cookie(const QString &realm = QStringLiteral("demo"), const QByteArray &key = kKey,
                     std::shared_ptr<SessionRevocations> revocations = {})
{
    return SessionCookie(realm, {}, QStringLiteral("Strict"), std::chrono::minutes(30), *JwtKey::fromSecret(key),
                         std::move(revocations));
}

QByteArray base64Url(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

// A cookie value signed like the gateway's, with exactly these claims (to make one without jti).
QByteArray signedValue(const QJsonObject &claims, const QByteArray &key = kKey)
{
    const QByteArray input = base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + '.'
        + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    return input + '.' + base64Url(JwtKey::fromSecret(key)->sign(input));
}

QJsonObject claimsOf(const QByteArray &value)
{
    const QList<QByteArray> parts = value.split('.');
    return QJsonDocument::fromJson(QByteArray::fromBase64(parts.value(1), QByteArray::Base64UrlEncoding)).object();
}

// The cookie's value out of a Set-Cookie header.
QByteArray valueOf(const QByteArray &setCookie)
{
    const QByteArray pair = setCookie.left(setCookie.indexOf(';'));
    return pair.mid(pair.indexOf('=') + 1);
}

} // namespace

class TestSessionCookie : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip()
    {
        const SessionCookie sso = cookie();
        const QByteArray header = sso.setCookie({QStringLiteral("alice"), {QStringLiteral("AUTHORIZED"), QStringLiteral("X")}},
                                                kLogin, false);
        QVERIFY(header.startsWith("postern-sso-demo="));
        QVERIFY(header.endsWith("; Path=/; Max-Age=1800; HttpOnly; SameSite=Strict"));
        const auto login = sso.verify(valueOf(header), kLogin.addSecs(60));
        QVERIFY2(login, qPrintable(login.error()));
        QCOMPARE(login->result.user, QStringLiteral("alice"));
        QCOMPARE(login->result.roles, QStringList({QStringLiteral("AUTHORIZED"), QStringLiteral("X")}));
        QCOMPARE(login->loginTime, kLogin); // session-timeout counts from the first login
    }

    void secureOverTls()
    {
        QVERIFY(cookie().setCookie({QStringLiteral("a"), {}}, kLogin, true).endsWith("; Secure"));
    }

    void refusals_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QDateTime>("now");
        QTest::addColumn<QString>("reason");
        const QByteArray good = valueOf(cookie().setCookie({QStringLiteral("alice"), {QStringLiteral("R")}}, kLogin, false));
        QTest::newRow("expired") << good << kLogin.addSecs(1800) << "token expired";
        QTest::newRow("another realm's") << valueOf(cookie(QStringLiteral("other")).setCookie({QStringLiteral("alice"), {}}, kLogin, false))
                                         << kLogin << "audience does not include 'demo'";
        QTest::newRow("another key") << valueOf(cookie(QStringLiteral("demo"), QByteArray(40, 'k')).setCookie({QStringLiteral("alice"), {}}, kLogin, false))
                                     << kLogin << "bad token signature";
        QByteArray tampered = good;
        const qsizetype claims = tampered.indexOf('.') + 1;
        const QByteArray decoded = QByteArray::fromBase64(tampered.mid(claims, tampered.indexOf('.', claims) - claims),
                                                          QByteArray::Base64UrlEncoding);
        QByteArray forged = decoded;
        forged.replace("\"alice\"", "\"admin\"");
        QVERIFY(forged != decoded);
        tampered.replace(claims, tampered.indexOf('.', claims) - claims,
                         forged.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
        QTest::newRow("another user written in") << tampered << kLogin << "bad token signature";
        QTest::newRow("garbage") << QByteArray("not-a-cookie") << kLogin << "not a JSON Web Token";
    }

    void refusals()
    {
        QFETCH(QByteArray, value);
        QFETCH(QDateTime, now);
        QFETCH(QString, reason);
        const auto login = cookie().verify(value, now);
        QVERIFY(!login);
        QVERIFY2(login.error().contains(reason), qPrintable(login.error()));
        QVERIFY(login.error().startsWith(QStringLiteral("session cookie refused: ")));
    }

    void everyCookieHasItsOwnId()
    {
        const SessionCookie sso = cookie();
        const LoginResult alice{QStringLiteral("alice"), {}};
        const QString first = claimsOf(valueOf(sso.setCookie(alice, kLogin, false))).value(u"jti").toString();
        const QString second = claimsOf(valueOf(sso.setCookie(alice, kLogin, false))).value(u"jti").toString();
        QVERIFY(first.size() >= 22); // 128 bits, base64url
        QVERIFY(first != second);
    }

    void aRevokedCookieIsNoLogin()
    {
        const SessionCookie sso = cookie();
        const LoginResult alice{QStringLiteral("alice"), {QStringLiteral("R")}};
        const QByteArray out = valueOf(sso.setCookie(alice, kLogin, false));
        const QByteArray stillIn = valueOf(sso.setCookie(alice, kLogin, false)); // another browser's
        QVERIFY(sso.verify(out, kLogin.addSecs(10)));
        const auto revoked = sso.revoke(out, kLogin.addSecs(20));
        QVERIFY2(revoked, revoked ? "" : qPrintable(revoked.error()));
        QCOMPARE(*revoked, 0);
        const auto refused = sso.verify(out, kLogin.addSecs(30));
        QVERIFY(!refused);
        QCOMPARE(refused.error(), QStringLiteral("session cookie refused: it was logged out"));
        QVERIFY(sso.verify(stillIn, kLogin.addSecs(30)));
        // Only cookies of this realm's are recorded: garbage and forgeries are nothing to revoke.
        QVERIFY(!sso.revoke("not-a-cookie", kLogin));
        QVERIFY(!sso.revoke(valueOf(cookie(QStringLiteral("demo"), QByteArray(40, 'k')).setCookie(alice, kLogin, false)), kLogin));
    }

    void revocationsOutliveAReload()
    {
        // A reload builds the realm's cookie anew; the gateway hands it the same list.
        auto revocations = std::make_shared<SessionRevocations>();
        const SessionCookie before = cookie(QStringLiteral("demo"), kKey, revocations);
        const QByteArray value = valueOf(before.setCookie({QStringLiteral("alice"), {}}, kLogin, false));
        QVERIFY(before.revoke(value, kLogin));
        const SessionCookie after = cookie(QStringLiteral("demo"), kKey, revocations);
        QVERIFY(!after.verify(value, kLogin.addSecs(1)));
        QVERIFY(cookie().verify(value, kLogin.addSecs(1))); // a list of its own knows nothing of it
    }

    void aCookieWithoutIdIsRevokedByItsSignature()
    {
        const double issued = double(kLogin.toSecsSinceEpoch());
        const QJsonObject claims{{QStringLiteral("iss"), QStringLiteral("postern-sso")}, {QStringLiteral("aud"), QStringLiteral("demo")},
                                 {QStringLiteral("sub"), QStringLiteral("alice")}, {QStringLiteral("iat"), issued},
                                 {QStringLiteral("exp"), issued + 1800}};
        const QByteArray value = signedValue(claims);
        QJsonObject later = claims;
        later.insert(QStringLiteral("iat"), issued + 1);
        const QByteArray other = signedValue(later);
        const SessionCookie sso = cookie();
        QVERIFY(sso.verify(value, kLogin));
        QVERIFY(sso.revoke(value, kLogin));
        QVERIFY(!sso.verify(value, kLogin.addSecs(1)));
        QVERIFY(sso.verify(other, kLogin.addSecs(1)));
    }

    void revocationsAreBounded()
    {
        SessionRevocations list(3);
        QCOMPARE(list.revoke("a", kLogin.addSecs(300), kLogin), 0);
        QCOMPARE(list.revoke("b", kLogin.addSecs(100), kLogin), 0);
        QCOMPARE(list.revoke("c", kLogin.addSecs(200), kLogin), 0);
        QCOMPARE(list.revoke("a", kLogin.addSecs(300), kLogin), 0); // again: no new entry
        QCOMPARE(list.size(), 3);
        // Full: the one that expires soonest ("b") makes room, and says so.
        QCOMPARE(list.revoke("d", kLogin.addSecs(400), kLogin), 1);
        QCOMPARE(list.size(), 3);
        QVERIFY(!list.isRevoked("b", kLogin));
        QVERIFY(list.isRevoked("a", kLogin) && list.isRevoked("c", kLogin) && list.isRevoked("d", kLogin));
        // Expired entries go first, without evicting anything that still counts.
        QCOMPARE(list.revoke("e", kLogin.addSecs(500), kLogin.addSecs(250)), 0);
        QCOMPARE(list.size(), 3); // "c" expired at +200 and was pruned
        QVERIFY(!list.isRevoked("c", kLogin.addSecs(250)));
        QVERIFY(!list.isRevoked("a", kLogin.addSecs(300))); // expired: the cookie is refused anyway
        QCOMPARE(list.revoke("f", kLogin, kLogin.addSecs(1)), 0); // already expired: not recorded
        QVERIFY(!list.isRevoked("f", kLogin));
        QCOMPARE(SessionRevocations().capacity(), 100'000);
    }

    void defaultNameIsACookieName()
    {
        QCOMPARE(SessionCookie::defaultName(QStringLiteral("demo")), QStringLiteral("postern-sso-demo"));
        QCOMPARE(SessionCookie::defaultName(QStringLiteral("my realm; x=1")), QStringLiteral("postern-sso-my_realm__x_1"));
        QCOMPARE(SessionCookie::defaultName(QStringLiteral("κ")), QStringLiteral("postern-sso-_"));
    }
};

QTEST_APPLESS_MAIN(TestSessionCookie)
#include "tst_sessioncookie.moc"
