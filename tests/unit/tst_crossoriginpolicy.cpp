#include "frontdoor/crossoriginpolicy.h"
#include "frontdoor/httprequestparser.h"

#include <QtTest>

using namespace Postern;
using Frontdoor::CrossOriginPolicy;

namespace {

Frontdoor::HttpRequestHead head(const QByteArray &method, const QByteArray &extra)
{
    const QByteArray text = method + " / HTTP/1.1\r\nHost: gw.test\r\n" + extra + "\r\n";
    const auto parsed = Frontdoor::HttpRequestParser::parse(text);
    if (!parsed)
        qFatal("bad test request");
    return *parsed;
}

Config::ServiceConfig service()
{
    Config::ServiceConfig config;
    config.name = QStringLiteral("svc");
    config.accepts = {QUrl(QStringLiteral("wss://gw.test:9000/echo")), QUrl(QStringLiteral("ws://gw.test:8000/echo"))};
    Config::CrossSiteConstraint app;
    app.allowOrigin = QStringLiteral("https://app.test:443");
    app.allowMethods = {QStringLiteral("GET"), QStringLiteral("PUT")};
    app.allowHeaders = {QStringLiteral("x-token")};
    app.maximumAgeSeconds = 600;
    config.crossSiteConstraints = {app};
    return config;
}

} // namespace

class TestCrossOriginPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void normalisesOrigins_data()
    {
        QTest::addColumn<QString>("origin");
        QTest::addColumn<QString>("normalised"); // empty: refused
        QTest::newRow("default https port") << "https://App.Test" << "https://app.test:443";
        QTest::newRow("default http port") << "http://a.test" << "http://a.test:80";
        QTest::newRow("explicit port") << "http://a.test:8080" << "http://a.test:8080";
        QTest::newRow("trailing slash") << "https://a.test/" << "https://a.test:443";
        QTest::newRow("IPv6") << "http://[::1]:8000" << "http://[::1]:8000";
        QTest::newRow("null") << "null" << "null";
        QTest::newRow("path") << "https://a.test/x" << "";
        QTest::newRow("ftp") << "ftp://a.test" << "";
        QTest::newRow("no host") << "https://" << "";
        QTest::newRow("garbage") << "not an origin" << "";
    }
    void normalisesOrigins()
    {
        QFETCH(QString, origin);
        QFETCH(QString, normalised);
        const auto result = Config::CrossSiteConstraint::normaliseOrigin(origin);
        QCOMPARE(result.value_or(QString()), normalised);
    }

    void verdicts_data()
    {
        QTest::addColumn<QByteArray>("origin"); // null: no header
        QTest::addColumn<int>("verdict");
        QTest::newRow("no Origin (not a browser)") << QByteArray() << int(CrossOriginPolicy::Verdict::SameOrigin);
        QTest::newRow("own https origin of the wss accept") << QByteArray("https://gw.test:9000") << int(CrossOriginPolicy::Verdict::SameOrigin);
        QTest::newRow("own http origin of the ws accept") << QByteArray("http://gw.test:8000") << int(CrossOriginPolicy::Verdict::SameOrigin);
        QTest::newRow("allowed") << QByteArray("https://app.test") << int(CrossOriginPolicy::Verdict::Allowed);
        QTest::newRow("another port of an allowed host") << QByteArray("https://app.test:8443") << int(CrossOriginPolicy::Verdict::Refused);
        QTest::newRow("http instead of https") << QByteArray("http://app.test") << int(CrossOriginPolicy::Verdict::Refused);
        QTest::newRow("a stranger") << QByteArray("https://evil.test") << int(CrossOriginPolicy::Verdict::Refused);
        QTest::newRow("null") << QByteArray("null") << int(CrossOriginPolicy::Verdict::Refused);
        QTest::newRow("malformed") << QByteArray("https://evil.test/path") << int(CrossOriginPolicy::Verdict::Refused);
    }
    void verdicts()
    {
        QFETCH(QByteArray, origin);
        QFETCH(int, verdict);
        const CrossOriginPolicy policy(service());
        const auto request = head("GET", origin.isNull() ? QByteArray() : "Origin: " + origin + "\r\n");
        QCOMPARE(int(policy.check(request)), verdict);
    }

    void wildcardAllowsEveryone()
    {
        Config::ServiceConfig config = service();
        Config::CrossSiteConstraint any;
        any.allowOrigin = QStringLiteral("*");
        any.allowMethods = {QStringLiteral("GET")};
        config.crossSiteConstraints.append(any);
        const CrossOriginPolicy policy(config);
        QCOMPARE(policy.check(head("GET", "Origin: https://anyone.test\r\n")), CrossOriginPolicy::Verdict::Allowed);
        QCOMPARE(policy.check(head("GET", "Origin: null\r\n")), CrossOriginPolicy::Verdict::Allowed);
    }

    void preflights()
    {
        const CrossOriginPolicy policy(service());
        const auto allowed = policy.preflight(head("OPTIONS", "Origin: https://app.test\r\nAccess-Control-Request-Method: PUT\r\n"
                                                              "Access-Control-Request-Headers: X-Token\r\n"));
        QCOMPARE(allowed.status, 204);
        const auto header = [&](const Frontdoor::HttpResponse &r, const QByteArray &name) {
            for (const auto &[key, value] : r.headers)
                if (key == name)
                    return value;
            return QByteArray();
        };
        QCOMPARE(header(allowed, "Access-Control-Allow-Origin"), QByteArray("https://app.test"));
        QCOMPARE(header(allowed, "Access-Control-Allow-Methods"), QByteArray("GET, PUT"));
        QCOMPARE(header(allowed, "Access-Control-Allow-Headers"), QByteArray("x-token"));
        QCOMPARE(header(allowed, "Access-Control-Max-Age"), QByteArray("600"));
        QCOMPARE(header(allowed, "Vary"), QByteArray("Origin"));

        QCOMPARE(policy.preflight(head("OPTIONS", "Origin: https://app.test\r\nAccess-Control-Request-Method: DELETE\r\n")).status, 403);
        QCOMPARE(policy.preflight(head("OPTIONS", "Origin: https://app.test\r\nAccess-Control-Request-Method: GET\r\n"
                                                  "Access-Control-Request-Headers: x-secret\r\n")).status, 403);
        QCOMPARE(policy.preflight(head("OPTIONS", "Origin: https://evil.test\r\nAccess-Control-Request-Method: GET\r\n")).status, 403);
        QVERIFY(CrossOriginPolicy::isPreflight(head("OPTIONS", "Origin: https://app.test\r\nAccess-Control-Request-Method: GET\r\n")));
        QVERIFY(!CrossOriginPolicy::isPreflight(head("OPTIONS", "Origin: https://app.test\r\n")));
    }

    void decoratesOnlyAllowedResponses()
    {
        const CrossOriginPolicy policy(service());
        Frontdoor::HttpResponse allowed;
        policy.decorate(allowed, head("GET", "Origin: https://app.test\r\n"));
        QVERIFY(std::any_of(allowed.headers.cbegin(), allowed.headers.cend(), [](const auto &h) {
            return h.first == "Access-Control-Allow-Origin" && h.second == "https://app.test";
        }));
        Frontdoor::HttpResponse refused;
        policy.decorate(refused, head("GET", "Origin: https://evil.test\r\n"));
        QVERIFY(std::none_of(refused.headers.cbegin(), refused.headers.cend(), [](const auto &h) {
            return h.first == "Access-Control-Allow-Origin";
        }));
    }
};

QTEST_GUILESS_MAIN(TestCrossOriginPolicy)
#include "tst_crossoriginpolicy.moc"
