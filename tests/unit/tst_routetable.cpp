#include "config/serviceconfig.h"
#include "frontdoor/routetable.h"
#include "services/echoservice.h"
#include "sessions/sessionregistry.h"

#include <QtTest>

using namespace Postern;

class TestRouteTable : public QObject
{
    Q_OBJECT

private:
    Sessions::SessionRegistry m_registry;

    Services::ServicePtr service(const QString &name)
    {
        Config::ServiceConfig config;
        config.name = name;
        config.type = QStringLiteral("echo");
        Services::ServiceContext context;
        context.registry = &m_registry;
        return Services::ServicePtr(new Services::EchoService(config, context));
    }

private Q_SLOTS:
    void routes()
    {
        Frontdoor::RouteTable table;
        const auto web = service(QStringLiteral("web"));
        const auto echo = service(QStringLiteral("echo"));
        const auto api = service(QStringLiteral("api"));
        const auto other = service(QStringLiteral("other-host"));
        table.add(QStringLiteral("localhost"), QStringLiteral("/"), false, web);
        table.add(QStringLiteral("localhost"), QStringLiteral("/echo"), true, echo);
        table.add(QStringLiteral("localhost"), QStringLiteral("/api/"), false, api);
        table.add(QStringLiteral("other.test"), QStringLiteral("/"), false, other);

        auto m = table.match(QStringLiteral("localhost"), QStringLiteral("/index.html"), false);
        QVERIFY(m);
        QCOMPARE(m->service, web);
        QCOMPARE(m->relativePath, QStringLiteral("/index.html"));

        m = table.match(QStringLiteral("localhost"), QStringLiteral("/echo"), true);
        QCOMPARE(m->service, echo);
        QVERIFY(m->webSocket);

        // A plain request to a WebSocket-only path: 426 material.
        m = table.match(QStringLiteral("localhost"), QStringLiteral("/echo"), false);
        QCOMPARE(m->service, echo);
        QVERIFY(m->upgradeOnly);

        // Prefixes end at segment boundaries.
        m = table.match(QStringLiteral("localhost"), QStringLiteral("/echoes"), false);
        QCOMPARE(m->service, web);
        m = table.match(QStringLiteral("localhost"), QStringLiteral("/api/v1/x"), false);
        QCOMPARE(m->service, api);
        QCOMPARE(m->relativePath, QStringLiteral("/v1/x"));
        m = table.match(QStringLiteral("localhost"), QStringLiteral("/api"), false);
        QCOMPARE(m->service, api);
        QCOMPARE(m->relativePath, QStringLiteral("/"));

        // An upgrade to an http-only path is served as HTTP.
        m = table.match(QStringLiteral("localhost"), QStringLiteral("/api/x"), true);
        QCOMPARE(m->service, api);
        QVERIFY(!m->webSocket);

        // The host picks among services; an unknown host falls back to any that match.
        m = table.match(QStringLiteral("other.test"), QStringLiteral("/echo"), true);
        QCOMPARE(m->service, other);
        m = table.match(QStringLiteral("127.0.0.1"), QStringLiteral("/echo"), true);
        QCOMPARE(m->service, echo);
    }

    void noMatch()
    {
        Frontdoor::RouteTable table;
        table.add(QStringLiteral("localhost"), QStringLiteral("/echo"), true, service(QStringLiteral("echo")));
        QVERIFY(!table.match(QStringLiteral("localhost"), QStringLiteral("/"), false));
        QVERIFY(!table.match(QStringLiteral("localhost"), QStringLiteral("/other"), true));
    }
};

QTEST_GUILESS_MAIN(TestRouteTable)
#include "tst_routetable.moc"
