#include "config/configdocument.h"
#include "config/configloader.h"
#include "config/servicedefinition.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

using namespace Postern::Config;

namespace {

// A file as people write them: comments, blank lines, odd spacing, another element between
// the services, and non-ASCII text.
const QByteArray kFile = R"(<?xml version="1.0" encoding="UTF-8"?>
<!-- Header comment: kept. -->
<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <properties>
    <property><name>port</name><value>8000</value></property>
  </properties>

  <!-- The echo service, for the demo: "κόσμε". -->
  <service>
    <name>echo</name>
    <accept>ws://localhost:${port}/echo</accept>
    <type>echo</type>
    <accept-options>
      <ws.maximum.message.size>128k</ws.maximum.message.size>   <!-- roomy -->
    </accept-options>
  </service>

  <service>
      <name>second</name>
      <accept>ws://localhost:${port}/second</accept>
      <type>echo</type>
  </service>

  <service-defaults>
    <accept-options><http.keepalive.timeout>30s</http.keepalive.timeout></accept-options>
  </service-defaults>
</gateway-config>
)";

QJsonObject proxyJson()
{
    return {{QStringLiteral("name"), QStringLiteral("chat")},
            {QStringLiteral("type"), QStringLiteral("proxy")},
            {QStringLiteral("accept"), QJsonArray{QStringLiteral("ws://localhost:${port}/chat")}},
            {QStringLiteral("connect"), QStringLiteral("tcp://127.0.0.1:7000")},
            {QStringLiteral("properties"), QJsonObject{{QStringLiteral("maximum.pending.bytes"), QStringLiteral("128k")}}},
            {QStringLiteral("acceptOptions"), QJsonObject{{QStringLiteral("ws.inactivity.timeout"), QStringLiteral("30s")}}},
            {QStringLiteral("crossSite"), QJsonArray{QJsonObject{{QStringLiteral("allowOrigin"), QStringLiteral("https://a.test")}}}}};
}

} // namespace

class TestConfigDocument : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    bool loads(const QByteArray &text)
    {
        const auto config = ConfigLoader::loadData(text, m_dir.filePath(QStringLiteral("gateway-config.xml")));
        if (!config)
            qWarning() << config.error().first().toString();
        return bool(config);
    }

private Q_SLOTS:
    void findsServices()
    {
        const auto document = ConfigDocument::fromText(kFile);
        QVERIFY2(document, document ? "" : qPrintable(document.error()));
        QCOMPARE(document->services().size(), 2);
        QCOMPARE(document->services()[0].name, QStringLiteral("echo"));
        QCOMPARE(document->services()[0].line, 9);
        QCOMPARE(document->services()[0].indent, QStringLiteral("  "));
        QVERIFY(document->serviceText(document->services()[1]).startsWith(u"<service>"));
        QVERIFY(document->serviceText(document->services()[1]).endsWith(u"</service>"));
        QCOMPARE(document->text(), kFile);
        QCOMPARE(document->revision(), ConfigDocument::revisionOf(kFile));
        QCOMPARE(document->revision().size(), 16);
    }

    void replaceKeepsEverythingElse()
    {
        auto document = ConfigDocument::fromText(kFile);
        const auto xml = ServiceDefinition::toXml(proxyJson(), document->serviceIndent());
        QVERIFY(xml);
        QJsonObject renamed = proxyJson();
        const auto echo = *document->service(QStringLiteral("echo"));
        QVERIFY(document->replaceService(QStringLiteral("echo"), xml->text));
        const QByteArray after = document->text();
        // Everything before and after the element is as it was, to the byte.
        const QByteArray before = QString::fromUtf8(kFile).left(echo.start).toUtf8();
        QVERIFY(after.startsWith(before));
        const QByteArray tail = QString::fromUtf8(kFile).mid(echo.end).toUtf8();
        QVERIFY(after.endsWith(tail));
        QVERIFY(after.contains("<!-- The echo service, for the demo: \"κόσμε\". -->"));
        QVERIFY(loads(after));
        QCOMPARE(document->services()[0].name, QStringLiteral("chat"));
    }

    void addAndRemove()
    {
        auto document = ConfigDocument::fromText(kFile);
        const auto xml = ServiceDefinition::toXml(proxyJson(), document->serviceIndent());
        QVERIFY(document->addService(xml->text));
        QCOMPARE(document->services().size(), 3);
        QCOMPARE(document->services()[2].name, QStringLiteral("chat"));
        QCOMPARE(document->services()[2].indent, QStringLiteral("  "));
        QVERIFY(loads(document->text()));
        // Removing what was added gives the file back, to the byte.
        QVERIFY(document->removeService(QStringLiteral("chat")));
        QCOMPARE(document->text(), kFile);
        QVERIFY(document->removeService(QStringLiteral("second")));
        QVERIFY(!document->text().contains("second"));
        QVERIFY(document->text().contains("<service-defaults>"));
        QVERIFY(!document->removeService(QStringLiteral("absent")));
    }

    void addToAFileWithoutServices()
    {
        const QByteArray bare = "<gateway-config>\n  <!-- nothing yet -->\n  <security>\n  </security>\n</gateway-config>\n";
        auto document = ConfigDocument::fromText(bare);
        QVERIFY(document);
        const auto xml = ServiceDefinition::toXml(proxyJson(), document->serviceIndent());
        QVERIFY(document->addService(xml->text));
        const QByteArray after = document->text();
        QVERIFY(after.startsWith("<gateway-config>\n  <!-- nothing yet -->\n  <service>\n    <name>chat</name>"));
        QVERIFY(after.endsWith("  </service>\n\n  <security>\n  </security>\n</gateway-config>\n"));
    }

    void jsonRoundTrip()
    {
        const auto xml = ServiceDefinition::toXml(proxyJson(), QStringLiteral("  "));
        QVERIFY(xml);
        const auto json = ServiceDefinition::fromXml(xml->text);
        QVERIFY(json);
        QJsonObject expected = proxyJson();
        expected.insert(QStringLiteral("enabled"), true);
        expected.insert(QStringLiteral("crossSite"),
                        QJsonArray{QJsonObject{{QStringLiteral("allowOrigin"), QStringLiteral("https://a.test")}}});
        QCOMPARE(*json, expected);
        // Disabled services carry the attribute, and the loader keeps them out of service.
        QJsonObject disabled = proxyJson();
        disabled.insert(QStringLiteral("enabled"), false);
        const auto off = ServiceDefinition::toXml(disabled, QStringLiteral("  "));
        QVERIFY(off->text.startsWith(u"<service enabled=\"false\">"));
        QCOMPARE(ServiceDefinition::fromXml(off->text)->value(u"enabled"), QJsonValue(false));
        auto document = ConfigDocument::fromText(kFile);
        QVERIFY(document->addService(off->text));
        const auto config = ConfigLoader::loadData(document->text(), m_dir.filePath(QStringLiteral("gateway-config.xml")));
        QVERIFY(config);
        QVERIFY(!config->services.last().enabled);
        QVERIFY(config->services.first().enabled);
    }

    void fieldsByLine()
    {
        const auto xml = ServiceDefinition::toXml(proxyJson(), QStringLiteral("  "));
        const QStringList lines = xml->text.split(u'\n');
        for (auto it = xml->fields.cbegin(); it != xml->fields.cend(); ++it) {
            if (it.value() == u"connect")
                QCOMPARE(lines[it.key()].trimmed(), QStringLiteral("<connect>tcp://127.0.0.1:7000</connect>"));
            if (it.value() == u"properties.maximum.pending.bytes")
                QCOMPARE(lines[it.key()].trimmed(), QStringLiteral("<maximum.pending.bytes>128k</maximum.pending.bytes>"));
        }
        QVERIFY(xml->fields.values().contains(QStringLiteral("accept[0]")));
    }

    void problems_data()
    {
        QTest::addColumn<QJsonObject>("service");
        QTest::addColumn<QString>("field");
        QJsonObject noName = proxyJson();
        noName.remove(QStringLiteral("name"));
        QTest::newRow("no name") << noName << "name";
        QJsonObject numberAccept = proxyJson();
        numberAccept.insert(QStringLiteral("accept"), QJsonArray{QStringLiteral("ws://a:1/x"), 7});
        QTest::newRow("accept not a string") << numberAccept << "accept[1]";
        QJsonObject noAccept = proxyJson();
        noAccept.insert(QStringLiteral("accept"), QJsonArray{});
        QTest::newRow("no accept") << noAccept << "accept";
        QJsonObject badProperty = proxyJson();
        badProperty.insert(QStringLiteral("properties"), QJsonObject{{QStringLiteral("x"), 5}});
        QTest::newRow("property not a string") << badProperty << "properties.x";
        QJsonObject badName = proxyJson();
        badName.insert(QStringLiteral("acceptOptions"), QJsonObject{{QStringLiteral("not an element"), QStringLiteral("1")}});
        QTest::newRow("option name") << badName << "acceptOptions.not an element";
        // Regression: a name that starts like an element but carries markup wrote a second service.
        const QString smuggled = QStringLiteral("ws.maximum.message.size>64k</ws.maximum.message.size></accept-options>"
                                                "</service><service><name>evil</name><accept-options><!--");
        QJsonObject markup = proxyJson();
        markup.insert(QStringLiteral("acceptOptions"), QJsonObject{{smuggled, QStringLiteral("-->")}});
        QTest::newRow("markup in an option name") << markup << QString(QStringLiteral("acceptOptions.") + smuggled);
        QJsonObject unknown = proxyJson();
        unknown.insert(QStringLiteral("colour"), QStringLiteral("blue"));
        QTest::newRow("unknown member") << unknown << "colour";
        QJsonObject roles = proxyJson();
        roles.insert(QStringLiteral("authorization"), QJsonObject{{QStringLiteral("requireRoles"), QStringLiteral("ADMIN")}});
        QTest::newRow("roles not a list") << roles << "authorization.requireRoles";
    }

    void problems()
    {
        QFETCH(QJsonObject, service);
        QFETCH(QString, field);
        const auto xml = ServiceDefinition::toXml(service, QStringLiteral("  "));
        QVERIFY(!xml);
        QCOMPARE(xml.error().field, field);
    }

    void escapesText()
    {
        QJsonObject service = proxyJson();
        service.insert(QStringLiteral("description"), QStringLiteral("<b>&\"bold\"</b>"));
        const auto xml = ServiceDefinition::toXml(service, QStringLiteral("  "));
        QVERIFY(xml->text.contains(u"&lt;b&gt;&amp;&quot;bold&quot;&lt;/b&gt;"));
        QCOMPARE(ServiceDefinition::fromXml(xml->text)->value(u"description").toString(), QStringLiteral("<b>&\"bold\"</b>"));
    }

    void crlfFileStaysCrlf()
    {
        QByteArray crlf = kFile;
        crlf.replace("\n", "\r\n");
        auto document = ConfigDocument::fromText(crlf);
        QVERIFY(document);
        const auto xml = ServiceDefinition::toXml(proxyJson(), document->serviceIndent());
        QVERIFY(document->addService(xml->text));
        const QByteArray added = document->text();
        QVERIFY(added.contains("<name>chat</name>"));
        QCOMPARE(added.count('\n'), added.count("\r\n")); // no bare line feed
        QVERIFY(document->removeService(QStringLiteral("chat")));
        QCOMPARE(document->text(), crlf); // and no stray blank line
        QVERIFY(document->removeService(QStringLiteral("second")));
        QVERIFY(!document->text().contains("\r\n\r\n\r\n"));
    }

    void enablingTouchesOnlyTheStartTag()
    {
        auto document = ConfigDocument::fromText(kFile);
        QVERIFY(document->setServiceEnabled(QStringLiteral("echo"), false));
        QByteArray expected = kFile;
        expected.replace("<!-- The echo service, for the demo: \"\xce\xba\xcf\x8c\xcf\x83\xce\xbc\xce\xb5\". -->\n  <service>",
                         "<!-- The echo service, for the demo: \"\xce\xba\xcf\x8c\xcf\x83\xce\xbc\xce\xb5\". -->\n  <service enabled=\"false\">");
        QCOMPARE(document->text(), expected); // the comment inside stays
        QVERIFY(loads(document->text()));
        QVERIFY(document->setServiceEnabled(QStringLiteral("echo"), false)); // twice: one attribute
        QCOMPARE(document->text(), expected);
        QVERIFY(document->setServiceEnabled(QStringLiteral("echo"), true));
        QCOMPARE(document->text(), kFile);
        auto quoted = ConfigDocument::fromText("<gateway-config><service enabled='false' ><name>q</name></service></gateway-config>");
        QVERIFY(quoted->setServiceEnabled(QStringLiteral("q"), true));
        QCOMPARE(quoted->text(), QByteArray("<gateway-config><service ><name>q</name></service></gateway-config>"));
        QVERIFY(!quoted->setServiceEnabled(QStringLiteral("absent"), true));
    }

    void skeletonSeesChangesOutsideTheNamedServices()
    {
        const auto original = ConfigDocument::fromText(kFile);
        auto edited = *original;
        const auto xml = ServiceDefinition::toXml(proxyJson(), edited.serviceIndent());
        QVERIFY(edited.replaceService(QStringLiteral("echo"), xml->text));
        QCOMPARE(edited.skeletonWithout({QStringLiteral("echo"), QStringLiteral("chat")}),
                 original->skeletonWithout({QStringLiteral("echo"), QStringLiteral("chat")}));
        QVERIFY(edited.removeService(QStringLiteral("second")));
        QVERIFY(edited.skeletonWithout({QStringLiteral("echo"), QStringLiteral("chat")})
                != original->skeletonWithout({QStringLiteral("echo"), QStringLiteral("chat")}));
    }

    void repeatedBlocksAreMerged()
    {
        // The loader merges repeated <properties> and <authorization-constraint>; so does the
        // JSON form, so that an edit keeps all of them.
        const auto json = ServiceDefinition::fromXml(QStringLiteral(
            "<service><name>m</name><properties><a>1</a></properties><properties><b>2</b></properties>"
            "<authorization-constraint><require-role>X</require-role></authorization-constraint>"
            "<authorization-constraint><require-role>Y</require-role></authorization-constraint></service>"));
        QVERIFY(json);
        QCOMPARE(json->value(u"properties").toObject(),
                 (QJsonObject{{QStringLiteral("a"), QStringLiteral("1")}, {QStringLiteral("b"), QStringLiteral("2")}}));
        QCOMPARE(json->value(u"authorization").toObject().value(u"requireRoles").toArray(),
                 (QJsonArray{QStringLiteral("X"), QStringLiteral("Y")}));
    }

    void refusesWhatIsNotAConfiguration()
    {
        QVERIFY(!ConfigDocument::fromText("<other/>"));
        QVERIFY(!ConfigDocument::fromText("<gateway-config><service>"));
        QVERIFY(!ConfigDocument::fromText("<gateway-config>\xff</gateway-config>"));
    }
};

QTEST_APPLESS_MAIN(TestConfigDocument)
#include "tst_configdocument.moc"
