#include "auth/sessioncookie.h"

#include <QtTest>

using namespace Postern::Auth;

namespace {

const QByteArray kKey = QByteArrayLiteral("sso-test-key-of-at-least-32-bytes!!");
const QDateTime kLogin = QDateTime::fromSecsSinceEpoch(1'800'000'000, Qt::UTC);

SessionCookie cookie(const QString &realm = QStringLiteral("demo"), const QByteArray &key = kKey)
{
    return SessionCookie(realm, {}, QStringLiteral("Strict"), std::chrono::minutes(30), *JwtKey::fromSecret(key));
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

    void defaultNameIsACookieName()
    {
        QCOMPARE(SessionCookie::defaultName(QStringLiteral("demo")), QStringLiteral("postern-sso-demo"));
        QCOMPARE(SessionCookie::defaultName(QStringLiteral("my realm; x=1")), QStringLiteral("postern-sso-my_realm__x_1"));
        QCOMPARE(SessionCookie::defaultName(QStringLiteral("κ")), QStringLiteral("postern-sso-_"));
    }
};

QTEST_APPLESS_MAIN(TestSessionCookie)
#include "tst_sessioncookie.moc"
