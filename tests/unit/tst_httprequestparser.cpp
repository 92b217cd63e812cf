#include "frontdoor/httprequestparser.h"

#include <QtTest>

using namespace Postern::Frontdoor;

class TestHttpRequestParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesAWebSocketHandshake()
    {
        const QByteArray head = "GET /echo?x=1 HTTP/1.1\r\nHost: Localhost:8000\r\nUpgrade: websocket\r\n"
                                "Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                "Sec-WebSocket-Version: 13\r\n\r\n";
        QCOMPARE(HttpRequestParser::findEndOfHead(QByteArray(head + "trailing")), head.size());
        const auto request = HttpRequestParser::parse(head);
        QVERIFY(request);
        QCOMPARE(request->method, QByteArray("GET"));
        QCOMPARE(request->path, QStringLiteral("/echo"));
        QCOMPARE(request->query, QByteArray("x=1"));
        QCOMPARE(request->host(), QStringLiteral("localhost"));
        QVERIFY(request->wantsWebSocket());
        QVERIFY(request->keepAlive());
        QCOMPARE(request->header("sec-websocket-version"), QByteArray("13"));
        QCOMPARE(request->headLength, head.size());
    }

    void decodesPaths()
    {
        const auto request = HttpRequestParser::parse("GET /a%20b/%C3%A9/%2e%2e HTTP/1.1\r\nHost: h\r\n\r\n");
        QVERIFY(request);
        QCOMPARE(request->path, QStringLiteral("/a b/\u00e9/.."));
    }

    void keepAliveRules()
    {
        QVERIFY(!HttpRequestParser::parse("GET / HTTP/1.0\r\n\r\n")->keepAlive());
        QVERIFY(HttpRequestParser::parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")->keepAlive());
        QVERIFY(!HttpRequestParser::parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")->keepAlive());
        QVERIFY(HttpRequestParser::parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n")->hasBody());
    }

    void acceptsAbsoluteForm()
    {
        // RFC 9112 §3.2.2: servers must accept it, and its authority wins over Host.
        const auto request = HttpRequestParser::parse("GET http://Example.TEST:8080/a/b?q=1 HTTP/1.1\r\nHost: other\r\n\r\n");
        QVERIFY2(request, request ? "" : qPrintable(request.error().reason));
        QCOMPARE(request->host(), QStringLiteral("example.test"));
        QCOMPARE(request->path, QStringLiteral("/a/b"));
        QCOMPARE(request->query, QByteArray("q=1"));
        QCOMPARE(request->target, QByteArray("/a/b?q=1"));
        const auto bare = HttpRequestParser::parse("GET https://h.test HTTP/1.1\r\nHost: h.test\r\n\r\n");
        QVERIFY(bare);
        QCOMPARE(bare->path, QStringLiteral("/"));
    }

    void trimsOnlySpacesAndTabs()
    {
        const auto request = HttpRequestParser::parse("GET / HTTP/1.1\r\nHost: \t h \t\r\n\r\n");
        QVERIFY(request);
        QCOMPARE(request->header("Host"), QByteArray("h"));
    }

    void hostWithIpv6()
    {
        QCOMPARE(HttpRequestParser::parse("GET / HTTP/1.1\r\nHost: [::1]:9000\r\n\r\n")->host(), QStringLiteral("::1"));
    }

    void refuses_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<int>("status");
        const QByteArray host = "Host: h\r\n";
        QTest::newRow("space before colon") << QByteArray("GET / HTTP/1.1\r\nHost : h\r\n\r\n") << 400;
        QTest::newRow("obs-fold") << QByteArray("GET / HTTP/1.1\r\n" + host + "X-A: 1\r\n  2\r\n\r\n") << 400;
        QTest::newRow("no host in 1.1") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("two hosts") << QByteArray("GET / HTTP/1.1\r\n" + host + host + "\r\n") << 400;
        QTest::newRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\n" + host + "\r\n") << 505;
        QTest::newRow("garbage version") << QByteArray("GET / HTTQ/1.1\r\n" + host + "\r\n") << 400;
        QTest::newRow("absolute-form with user info") << QByteArray("GET http://u@h/ HTTP/1.1\r\n" + host + "\r\n") << 400;
        QTest::newRow("other scheme") << QByteArray("GET ftp://h/ HTTP/1.1\r\n" + host + "\r\n") << 400;
        QTest::newRow("bare CR in a value") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\r\n\r\n") << 400;
        QTest::newRow("VT at the end of a value") << QByteArray("GET / HTTP/1.1\r\n" + host + "Content-Length: 0\x0b\r\n\r\n") << 400;
        QTest::newRow("signed escape") << QByteArray("GET /%+1 HTTP/1.1\r\n" + host + "\r\n") << 400;
        QTest::newRow("short escape") << QByteArray("GET /%4 HTTP/1.1\r\n" + host + "\r\n") << 400;
        QTest::newRow("no target") << QByteArray("GET HTTP/1.1\r\n" + host + "\r\n") << 400;
        QTest::newRow("two spaces") << QByteArray("GET  / HTTP/1.1\r\n" + host + "\r\n") << 400;
        QTest::newRow("bad method") << QByteArray("G(T / HTTP/1.1\r\n" + host + "\r\n") << 400;
        QTest::newRow("bad escape") << QByteArray("GET /%zz HTTP/1.1\r\n" + host + "\r\n") << 400;
        QTest::newRow("NUL escape") << QByteArray("GET /a%00b HTTP/1.1\r\n" + host + "\r\n") << 400;
        QTest::newRow("invalid UTF-8") << QByteArray("GET /%ff HTTP/1.1\r\n" + host + "\r\n") << 400;
        QTest::newRow("raw non-ASCII") << QByteArray("GET /\xc3\xa9 HTTP/1.1\r\n" + host + "\r\n") << 400;
        QTest::newRow("control in value") << QByteArray("GET / HTTP/1.1\r\n" + host + "X: a\x01" "b\r\n\r\n") << 400;
        QTest::newRow("line without colon") << QByteArray("GET / HTTP/1.1\r\n" + host + "nonsense\r\n\r\n") << 400;
        QTest::newRow("CL and TE") << QByteArray("GET / HTTP/1.1\r\n" + host + "Content-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n") << 400;
        QTest::newRow("two CL") << QByteArray("GET / HTTP/1.1\r\n" + host + "Content-Length: 1\r\nContent-Length: 2\r\n\r\n") << 400;
        QTest::newRow("bad CL") << QByteArray("GET / HTTP/1.1\r\n" + host + "Content-Length: +1\r\n\r\n") << 400;
        QByteArray many = "GET / HTTP/1.1\r\n" + host;
        for (int i = 0; i < 101; ++i)
            many += "X-" + QByteArray::number(i) + ": v\r\n";
        QTest::newRow("too many headers") << QByteArray(many + "\r\n") << 431;
    }
    void refuses()
    {
        QFETCH(QByteArray, head);
        QFETCH(int, status);
        const auto request = HttpRequestParser::parse(head);
        QVERIFY2(!request, head.constData());
        QCOMPARE(request.error().status, status);
        QVERIFY(!request.error().reason.isEmpty());
    }

    void incompleteHead()
    {
        QCOMPARE(HttpRequestParser::findEndOfHead("GET / HTTP/1.1\r\nHost: h\r\n"), qsizetype(-1));
    }
};

QTEST_GUILESS_MAIN(TestHttpRequestParser)
#include "tst_httprequestparser.moc"
