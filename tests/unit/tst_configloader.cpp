#include "config/configloader.h"
#include "testpki.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace Postern::Config;
using namespace std::chrono_literals;

namespace {

// A minimal valid document body; tests splice their own elements into it.
const char *kEcho = R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
  </service>
)";

QByteArray document(const QByteArray &body, bool withNamespace = true)
{
    return QByteArray("<?xml version=\"1.0\"?>\n<gateway-config")
        + (withNamespace ? " xmlns=\"http://xmlns.kaazing.org/2016/06/gateway\"" : "") + ">\n" + body
        + "</gateway-config>\n";
}

// A document with the echo service and a realm "demo" whose <authentication> holds `body`.
QByteArray realmDocument(const QByteArray &body)
{
    return document(QByteArray(kEcho) + "  <security>\n    <realm>\n      <name>demo</name>\n      <authentication>\n"
                    + body + "\n      </authentication>\n    </realm>\n  </security>\n");
}

// A proxy service "p" with `connect` (and any more lines) and the `properties`' children.
QByteArray proxyDocument(const QByteArray &connect, const QByteArray &properties = {})
{
    return document("  <service>\n    <name>p</name>\n    <accept>ws://localhost:8000/p</accept>\n    " + connect
                    + "\n    <type>proxy</type>\n"
                    + (properties.isEmpty() ? QByteArray() : "    <properties>\n      " + properties + "\n    </properties>\n")
                    + "  </service>\n");
}

// The 1-based line holding "<!--HERE-->": where the error must be reported.
int markedLine(const QByteArray &xml)
{
    const QList<QByteArray> lines = xml.split('\n');
    for (int i = 0; i < lines.size(); ++i)
        if (lines[i].contains("<!--HERE-->"))
            return i + 1;
    return -1;
}

} // namespace

class TestConfigLoader : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString path() const { return m_dir.filePath(QStringLiteral("gateway-config.xml")); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("web")));
        Postern::Testing::TestPki pki;
        Postern::Testing::TestPki::writeKeystore(m_dir.path(), {pki.serverEntry(QStringLiteral("localhost"),
                                                                                {QStringLiteral("localhost")})});
    }

    void defaultConfigurationIsValid()
    {
        // The shipped conf/gateway-config.xml, in a copy of the layout it expects
        // (conf/ beside resources/web, with the keystore the run command creates).
        QTemporaryDir root;
        QVERIFY(QDir(root.path()).mkpath(QStringLiteral("conf")));
        QVERIFY(QDir(root.path()).mkpath(QStringLiteral("resources/web")));
        const QString conf = root.filePath(QStringLiteral("conf/gateway-config.xml"));
        QVERIFY(QFile::copy(Postern::Testing::sourceDir() + QStringLiteral("/conf/gateway-config.xml"), conf));
        QVERIFY(QFile::copy(m_dir.filePath(QStringLiteral("keystore.p12")), root.filePath(QStringLiteral("conf/keystore.p12"))));
        QVERIFY(QFile::copy(m_dir.filePath(QStringLiteral("keystore.pw")), root.filePath(QStringLiteral("conf/keystore.pw"))));
        QFile users(root.filePath(QStringLiteral("conf/users.xml"))); // the run command makes it
        QVERIFY(users.open(QIODevice::WriteOnly));
        users.write("<jaas-config><user><name>demo</name><password>x</password></user></jaas-config>");
        users.close();
        QFile admins(root.filePath(QStringLiteral("conf/admins.xml"))); // so does it this one
        QVERIFY(admins.open(QIODevice::WriteOnly));
        admins.write("<jaas-config><user><name>admin</name><password>x</password></user></jaas-config>");
        admins.close();
        const auto config = ConfigLoader::loadFile(conf);
        QVERIFY2(config, config ? "" : qPrintable(config.error().first().toString()));
        QCOMPARE(config->services.size(), 5);
        const ServiceConfig &login = config->services.at(3);
        QCOMPARE(login.type, QStringLiteral("login"));
        QCOMPARE(login.realmName, QStringLiteral("demo"));
        QCOMPARE(login.accepts.at(0), QUrl(QStringLiteral("http://localhost:8000/login")));
        QVERIFY(config->realm(QStringLiteral("demo"))->sessionCookie.enabled);
        const ServiceConfig &management = config->services.at(4);
        QCOMPARE(management.type, QStringLiteral("management"));
        QCOMPARE(management.accepts.at(0), QUrl(QStringLiteral("wss://localhost:9443/manage")));
        QCOMPARE(management.management.administratorRoles, QStringList{QStringLiteral("ADMINISTRATOR")});
        QCOMPARE(management.management.readOnlyRole, QStringLiteral("OBSERVER"));
        QVERIFY(management.authorization->requireRoles.contains(QStringLiteral("OBSERVER"))); // let in, to read
        const ServiceConfig &secure = config->services.at(2);
        QCOMPARE(secure.realmName, QStringLiteral("demo"));
        QCOMPARE(secure.authorization->requireRoles, QStringList{QStringLiteral("AUTHORIZED")});
        QCOMPARE(config->realm(QStringLiteral("demo"))->challengeScheme, QStringLiteral("Application Basic"));
        const ServiceConfig &welcome = config->services.at(0);
        QCOMPARE(welcome.type, QStringLiteral("directory"));
        QCOMPARE(welcome.accepts.at(0), QUrl(QStringLiteral("http://localhost:8000/")));
        QCOMPARE(welcome.accepts.at(1), QUrl(QStringLiteral("https://localhost:9000/")));
        QCOMPARE(welcome.directoryRoot(), QDir::cleanPath(root.filePath(QStringLiteral("resources/web"))));
        const ServiceConfig &echo = config->services.at(1);
        QCOMPARE(echo.accepts.at(1), QUrl(QStringLiteral("wss://localhost:9000/echo")));
        QCOMPARE(echo.acceptOptions.maximumMessageSize, 128 * 1024);
        QCOMPARE(echo.acceptOptions.inactivityTimeout, 60s);
        QCOMPARE(echo.acceptOptions.keepaliveTimeout, 30s); // from service-defaults
        QVERIFY(config->keystore);
        QCOMPARE(config->keystore->file, QDir::cleanPath(root.filePath(QStringLiteral("conf/keystore.p12"))));
    }

    void propertiesAndDefaults()
    {
        const QByteArray xml = document(R"(  <properties>
    <property><name>host</name><value>localhost</value></property>
    <property><name>port</name><value>8123</value></property>
    <property><name>url</name><value>ws://${host}:${port}</value></property>
  </properties>
  <service>
    <name>echo</name>
    <accept>${url}/echo</accept>
    <accept>ws://127.0.0.1:${port}</accept>
    <type>echo</type>
    <accept-options><ws.inactivity.timeout>500ms</ws.inactivity.timeout></accept-options>
  </service>
  <service-defaults>
    <accept-options>
      <ws.maximum.message.size>1m</ws.maximum.message.size>
      <ws.inactivity.timeout>1 min</ws.inactivity.timeout>
    </accept-options>
    <mime-mapping><extension>.Log</extension><mime-type>text/plain</mime-type></mime-mapping>
  </service-defaults>
)");
        const auto config = ConfigLoader::loadData(xml, path());
        QVERIFY2(config, config ? "" : qPrintable(config.error().first().toString()));
        const ServiceConfig &echo = config->services.first();
        QCOMPARE(echo.accepts.at(0), QUrl(QStringLiteral("ws://localhost:8123/echo")));
        QCOMPARE(echo.accepts.at(1), QUrl(QStringLiteral("ws://127.0.0.1:8123/"))); // path normalised
        QCOMPARE(echo.acceptOptions.maximumMessageSize, 1024 * 1024); // default applies
        QCOMPARE(echo.acceptOptions.inactivityTimeout, 500ms);        // the service's own wins
        QCOMPARE(echo.mimeMappings.value(QStringLiteral("log")), QStringLiteral("text/plain"));
    }

    void workers()
    {
        const auto two = ConfigLoader::loadData(document(QByteArray(kEcho) + "  <workers>2</workers>\n"), path());
        QVERIFY(two);
        QCOMPARE(two->workers, 2);
        QCOMPARE(two->workerCount(), 2);
        const auto automatic = ConfigLoader::loadData(document(QByteArray(kEcho) + "  <workers>auto</workers>\n"), path());
        QVERIFY(automatic);
        QCOMPARE(automatic->workers, 0);
        QCOMPARE(automatic->workerCount(), qBound(1, QThread::idealThreadCount(), 64));
        const auto unset = ConfigLoader::loadData(document(kEcho), path());
        QVERIFY(unset);
        QCOMPARE(unset->workerCount(), automatic->workerCount()); // the default is one per core
    }

    void loggingLevels()
    {
        const auto config = ConfigLoader::loadData(
            document(QByteArray(kEcho) + "  <logging>\n    <postern>warning</postern>\n    <postern.frontdoor>debug</postern.frontdoor>\n"
                                         "  </logging>\n"), path());
        QVERIFY2(config, config ? "" : qPrintable(config.error().first().toString()));
        const QMap<QString, QString> expected{{QStringLiteral("postern"), QStringLiteral("warning")},
                                              {QStringLiteral("postern.frontdoor"), QStringLiteral("debug")}};
        QCOMPARE(config->logging.levels, expected);
        const auto none = ConfigLoader::loadData(document(kEcho), path());
        QVERIFY(none && none->logging.levels.isEmpty());
    }

    void crossSiteConstraints()
    {
        const auto config = ConfigLoader::loadData(document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <cross-site-constraint>
      <allow-origin>https://App.Example.com</allow-origin>
      <allow-methods>get, post ,PUT</allow-methods>
      <allow-headers>X-Token, Authorization</allow-headers>
      <maximum-age>10 min</maximum-age>
    </cross-site-constraint>
    <cross-site-constraint><allow-origin>*</allow-origin></cross-site-constraint>
  </service>
)"), path());
        QVERIFY2(config, config ? "" : qPrintable(config.error().first().toString()));
        const auto &constraints = config->services.first().crossSiteConstraints;
        QCOMPARE(constraints.size(), 2);
        QCOMPARE(constraints[0].allowOrigin, QStringLiteral("https://app.example.com:443"));
        QCOMPARE(constraints[0].allowMethods, (QStringList{QStringLiteral("GET"), QStringLiteral("POST"), QStringLiteral("PUT")}));
        QCOMPARE(constraints[0].allowHeaders, (QStringList{QStringLiteral("x-token"), QStringLiteral("authorization")}));
        QCOMPARE(constraints[0].maximumAgeSeconds.value_or(-1), 600);
        QCOMPARE(constraints[1].allowOrigin, QStringLiteral("*"));
        QCOMPARE(constraints[1].allowMethods, (QStringList{QStringLiteral("GET"), QStringLiteral("HEAD"), QStringLiteral("POST")}));
    }

    void tokenRealm()
    {
        QFile secret(m_dir.filePath(QStringLiteral("jwt.secret")));
        QVERIFY(secret.open(QIODevice::WriteOnly));
        secret.write("made-up-test-secret-of-more-than-32-bytes");
        secret.close();
        const auto config = ConfigLoader::loadData(document(QByteArray(kEcho) + R"(  <security>
    <realm>
      <name>api</name>
      <authentication>
        <http-challenge-scheme>Application Token</http-challenge-scheme>
        <http-header>X-Access-Token</http-header>
        <http-query-parameter>access_token</http-query-parameter>
        <http-cookie>token</http-cookie>
        <login-modules>
          <login-module>
            <type>token</type>
            <success>sufficient</success>
            <options>
              <algorithm>HS256</algorithm>
              <key-file>jwt.secret</key-file>
              <issuer>https://issuer.test</issuer>
              <audience>postern</audience>
              <roles-claim>realm_access.roles</roles-claim>
              <clock-skew>5s</clock-skew>
            </options>
          </login-module>
          <login-module>
            <type>client-certificate</type>
            <success>optional</success>
            <options><user-name>subject</user-name><role-name>DEVICE</role-name><role-name>MTLS</role-name></options>
          </login-module>
        </login-modules>
      </authentication>
    </realm>
  </security>
)"), path());
        QVERIFY2(config, config ? "" : qPrintable(config.error().first().toString()));
        const RealmConfig *realm = config->realm(QStringLiteral("api"));
        QCOMPARE(realm->challengeScheme, QStringLiteral("Application Token"));
        QCOMPARE(realm->tokenHeaders, QStringList{QStringLiteral("X-Access-Token")});
        QCOMPARE(realm->tokenQueryParameters, QStringList{QStringLiteral("access_token")});
        QCOMPARE(realm->tokenCookies, QStringList{QStringLiteral("token")});
        QCOMPARE(realm->loginModules.size(), 2);
        const LoginModuleConfig &token = realm->loginModules[0];
        QCOMPARE(token.type, QStringLiteral("token"));
        QCOMPARE(token.options.value(QStringLiteral("key-file")), m_dir.filePath(QStringLiteral("jwt.secret")));
        QCOMPARE(token.options.value(QStringLiteral("roles-claim")), QStringLiteral("realm_access.roles"));
        const LoginModuleConfig &certificate = realm->loginModules[1];
        QCOMPARE(certificate.options.value(QStringLiteral("user-name")), QStringLiteral("subject"));
        QCOMPARE(certificate.roleNames, QStringList({QStringLiteral("DEVICE"), QStringLiteral("MTLS")}));
    }

    void singleSignOnRealm()
    {
        const auto config = ConfigLoader::loadData(document(QByteArray(kEcho) + R"(  <security>
    <realm>
      <name>demo realm</name>
      <authentication>
        <authorization-mode>recycle</authorization-mode>
        <session-cookie><maximum-age>2h</maximum-age><same-site>Lax</same-site></session-cookie>
        <login-modules>
          <login-module><type>client-certificate</type></login-module>
        </login-modules>
      </authentication>
    </realm>
    <realm>
      <name>plain</name>
      <authentication>
        <authorization-mode>challenge</authorization-mode>
        <login-modules>
          <login-module><type>client-certificate</type></login-module>
        </login-modules>
      </authentication>
    </realm>
  </security>
)"), path());
        QVERIFY2(config, config ? "" : qPrintable(config.error().first().toString()));
        const SessionCookieConfig &sso = config->realm(QStringLiteral("demo realm"))->sessionCookie;
        QVERIFY(sso.enabled);
        QCOMPARE(sso.maximumAge, std::chrono::milliseconds(2 * 3600 * 1000));
        QCOMPARE(sso.sameSite, QStringLiteral("Lax"));
        QVERIFY(sso.name.isEmpty());
        QVERIFY(!config->realm(QStringLiteral("plain"))->sessionCookie.enabled);
    }

    void proxyServices()
    {
        // The loader checks that the stores exist; what is in them is the gateway's business.
        QFile::copy(m_dir.filePath(QStringLiteral("keystore.p12")), m_dir.filePath(QStringLiteral("truststore.p12")));
        QFile::copy(m_dir.filePath(QStringLiteral("keystore.pw")), m_dir.filePath(QStringLiteral("truststore.pw")));
        const auto config = ConfigLoader::loadData(document(R"(  <service>
    <name>tcp</name>
    <accept>ws://localhost:8000/tcp</accept>
    <accept>wss://localhost:9000/tcp</accept>
    <connect>TCP://DB.test:5432</connect>
    <type>proxy</type>
  </service>
  <service>
    <name>ws</name>
    <accept>ws://localhost:8000/ws</accept>
    <connect>wss://chat.test/socket?room=1</connect>
    <type>proxy</type>
    <properties>
      <connect.strategy>prepared</connect.strategy>
      <prepared.connection.count>3</prepared.connection.count>
      <maximum.pending.bytes>256k</maximum.pending.bytes>
    </properties>
    <connect-options>
      <ssl.protocols>TLSv1.3</ssl.protocols>
      <ws.inactivity.timeout>20s</ws.inactivity.timeout>
    </connect-options>
  </service>
  <service-defaults>
    <connect-options><connect.timeout>3s</connect.timeout></connect-options>
  </service-defaults>
  <security>
    <keystore><file>keystore.p12</file><password-file>keystore.pw</password-file></keystore>
    <truststore><file>truststore.p12</file><password-file>truststore.pw</password-file></truststore>
  </security>
)"), path());
        QVERIFY2(config, config ? "" : qPrintable(config.error().first().toString()));
        const ServiceConfig &tcp = config->services[0];
        QCOMPARE(tcp.connect, QUrl(QStringLiteral("tcp://db.test:5432")));
        QCOMPARE(tcp.proxy.strategy, ProxyOptions::Strategy::Immediate);
        QCOMPARE(tcp.proxy.maximumPendingBytes, qint64(64 * 1024));
        QCOMPARE(tcp.connectOptions.connectTimeout, std::chrono::milliseconds(3000));
        const ServiceConfig &ws = config->services[1];
        QCOMPARE(ws.connect, QUrl(QStringLiteral("wss://chat.test:443/socket?room=1")));
        QCOMPARE(ws.proxy.strategy, ProxyOptions::Strategy::Prepared);
        QCOMPARE(ws.proxy.preparedConnectionCount, 3);
        QCOMPARE(ws.proxy.maximumPendingBytes, qint64(256 * 1024));
        QCOMPARE(ws.connectOptions.sslProtocols, QStringList{QStringLiteral("TLSv1.3")});
        QCOMPARE(ws.connectOptions.inactivityTimeout, std::chrono::milliseconds(20'000));
        QCOMPARE(ws.connectOptions.connectTimeout, std::chrono::milliseconds(3000));
    }

    void loginOverPlainHttp_data()
    {
        QTest::addColumn<QByteArray>("accept");
        QTest::addColumn<QByteArray>("allowUnencrypted"); // the property's value; none when empty
        QTest::addColumn<bool>("accepted");
        // Passwords and the single sign-on cookie may travel unencrypted only where nobody else
        // can read them, or where the configuration says so.
        QTest::newRow("localhost") << QByteArray("http:/" "/localhost:8000/login") << QByteArray() << true;
        QTest::newRow("127.0.0.1") << QByteArray("http:/" "/127.0.0.1:8000/login") << QByteArray() << true;
        QTest::newRow("127.8.9.10") << QByteArray("http:/" "/127.8.9.10:8000/login") << QByteArray() << true;
        QTest::newRow("::1") << QByteArray("http:/" "/[::1]:8000/login") << QByteArray() << true;
        QTest::newRow("https anywhere") << QByteArray("https:/" "/gateway.example.com:9000/login") << QByteArray() << true;
        QTest::newRow("a host name") << QByteArray("http:/" "/gateway.example.com:8000/login") << QByteArray() << false;
        QTest::newRow("every address") << QByteArray("http:/" "/0.0.0.0:8000/login") << QByteArray() << false;
        QTest::newRow("another address") << QByteArray("http:/" "/192.0.2.7:8000/login") << QByteArray() << false;
        QTest::newRow("allowed") << QByteArray("http:/" "/gateway.example.com:8000/login") << QByteArray("true") << true;
        QTest::newRow("not allowed") << QByteArray("http:/" "/gateway.example.com:8000/login") << QByteArray("false") << false;
    }

    void loginOverPlainHttp()
    {
        QFETCH(QByteArray, accept);
        QFETCH(QByteArray, allowUnencrypted);
        QFETCH(bool, accepted);
        const QByteArray service = "  <service>\n    <name>login</name>\n    <accept>" + accept + "</accept>\n"
                                   "    <type>login</type>\n"
            + (allowUnencrypted.isEmpty() ? QByteArray()
                                          : "    <properties><allow.unencrypted>" + allowUnencrypted + "</allow.unencrypted></properties>\n")
            + "    <realm-name>demo</realm-name>\n  </service>\n";
        QByteArray xml = realmDocument("<authorization-mode>recycle</authorization-mode>\n"
                                       "<login-modules><login-module><type>client-certificate</type></login-module></login-modules>");
        xml.replace("  <security>", QByteArray(service + "  <security>"));
        if (accept.startsWith("https"))
            xml.replace("  <security>", "  <security>\n<keystore><file>keystore.p12</file><password-file>keystore.pw</password-file></keystore>");
        const auto config = ConfigLoader::loadData(xml, path());
        if (accepted) {
            QVERIFY2(config, config ? "" : qPrintable(config.error().first().toString()));
            return;
        }
        QVERIFY(!config);
        const ConfigErrors &errors = config.error();
        QVERIFY2(std::any_of(errors.cbegin(), errors.cend(), [&](const ConfigError &error) {
                     return error.message.contains(QStringLiteral("accept '%1': a login over plain http:/" "/ away from loopback")
                                                       .arg(QString::fromLatin1(accept)))
                         && error.message.contains(u"set allow.unencrypted to true");
                 }),
                 qPrintable(errors.first().toString()));
    }

    void noNamespaceIsAccepted()
    {
        const auto config = ConfigLoader::loadData(document(kEcho, false), path());
        QVERIFY(config);
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("xml");
        QTest::addColumn<QString>("message");

        QTest::newRow("unknown element in service") << document(R"(  <service>
    <name>echo</name>
    <acept>ws://localhost:8000/echo</acept><!--HERE-->
    <type>echo</type>
  </service>
)") << "unknown element <acept> in <service>";
        QTest::newRow("unknown log category") << document(QByteArray(kEcho) + "  <logging>\n    <postern.nope>debug</postern.nope><!--HERE-->\n  </logging>\n")
                                              << "unknown log category <postern.nope> in <logging> (use postern, postern.frontdoor";
        QTest::newRow("unknown log level") << document(QByteArray(kEcho) + "  <logging>\n    <postern.tls>loud</postern.tls><!--HERE-->\n  </logging>\n")
                                           << "log level 'loud' for postern.tls is not one of debug, info, warning, error";
        QTest::newRow("log category twice") << document(QByteArray(kEcho) + "  <logging>\n    <postern>info</postern>\n    <postern>debug</postern><!--HERE-->\n  </logging>\n")
                                            << "log category postern appears twice in <logging>";
        QTest::newRow("logging twice") << document(QByteArray(kEcho) + "  <logging/>\n  <logging/><!--HERE-->\n")
                                       << "<logging> may appear only once";
        QTest::newRow("workers zero") << document(QByteArray(kEcho) + "  <workers>0</workers><!--HERE-->\n")
                                      << "<workers> '0' must be a whole number from 1 to 64, or auto (one per core)";
        QTest::newRow("workers too many") << document(QByteArray(kEcho) + "  <workers>65</workers><!--HERE-->\n")
                                          << "<workers> '65' must be a whole number from 1 to 64";
        QTest::newRow("workers not a number") << document(QByteArray(kEcho) + "  <workers>many</workers><!--HERE-->\n")
                                              << "<workers> 'many' must be a whole number from 1 to 64";
        QTest::newRow("workers twice") << document(QByteArray(kEcho) + "  <workers>2</workers>\n  <workers>2</workers><!--HERE-->\n")
                                       << "<workers> may appear only once";
        QTest::newRow("unknown top-level element") << document(QByteArray(kEcho) + "  <servise/><!--HERE-->\n")
                                                   << "unknown element <servise> in <gateway-config>";
        QTest::newRow("bad duration") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <accept-options>
      <ws.inactivity.timeout>soon</ws.inactivity.timeout><!--HERE-->
    </accept-options>
  </service>
)") << "ws.inactivity.timeout: 'soon' is not a valid duration";
        QTest::newRow("bad size") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <accept-options>
      <ws.maximum.message.size>lots</ws.maximum.message.size><!--HERE-->
    </accept-options>
  </service>
)") << "ws.maximum.message.size: 'lots' is not a valid size";
        QTest::newRow("zero head timeout") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <accept-options>
      <http.request.head.timeout>0</http.request.head.timeout><!--HERE-->
    </accept-options>
  </service>
)") << "greater than zero";
        QTest::newRow("connection limit not a number") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <accept-options>
      <tcp.maximum.connections>many</tcp.maximum.connections><!--HERE-->
    </accept-options>
  </service>
)") << "tcp.maximum.connections: 'many' is not a whole number from 1 to 1000000000";
        QTest::newRow("zero per-address limit") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <accept-options>
      <tcp.maximum.connections.per.address>0</tcp.maximum.connections.per.address><!--HERE-->
    </accept-options>
  </service>
)") << "tcp.maximum.connections.per.address: '0' is not a whole number from 1";
        QTest::newRow("negative session limit") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <accept-options>
      <ws.maximum.sessions>-1</ws.maximum.sessions><!--HERE-->
    </accept-options>
  </service>
)") << "ws.maximum.sessions: '-1' is not a whole number from 0";
        QTest::newRow("connection limits differ on one port") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
  </service>
  <service>
    <name>echo2</name>
    <accept>ws://localhost:8000/echo2</accept>
    <type>echo</type>
    <accept-options><!--HERE-->
      <tcp.maximum.connections>10</tcp.maximum.connections>
    </accept-options>
  </service>
)") << "differ in an option of the port";
        QTest::newRow("unknown option") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <accept-options>
      <ws.maximum.mesage.size>1k</ws.maximum.mesage.size><!--HERE-->
    </accept-options>
  </service>
)") << "accept option 'ws.maximum.mesage.size' is unknown";
        QTest::newRow("missing keystore") << document(QByteArray(R"(  <service>
    <name>echo</name>
    <accept>wss://localhost:9000/echo</accept>
    <type>echo</type>
  </service>
  <security>
    <keystore>
      <file>missing.p12</file><!--HERE-->
      <password-file>keystore.pw</password-file>
    </keystore>
  </security>
)")) << "keystore file";
        QTest::newRow("wss without keystore") << document(R"(  <service>
    <name>echo</name>
    <accept>wss://localhost:9000/echo</accept><!--HERE-->
    <type>echo</type>
  </service>
)") << "needs TLS, but <security> has no <keystore>";
        QTest::newRow("duplicate accept") << document(QByteArray(kEcho) + R"(  <service>
    <name>echo2</name>
    <accept>ws://localhost:8000/echo/</accept><!--HERE-->
    <type>echo</type>
  </service>
)") << "accept 'ws://localhost:8000/echo/' is already used by service 'echo' at line 5";
        QTest::newRow("undefined property") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://${gateway.host}:8000/echo</accept><!--HERE-->
    <type>echo</type>
  </service>
)") << "undefined property '${gateway.host}'";
        QTest::newRow("unknown service type") << document(R"(  <service><!--HERE-->
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echoo</type>
  </service>
)") << "unknown service type 'echoo'";
        QTest::newRow("unsupported service type") << document(R"(  <service><!--HERE-->
    <name>spread</name>
    <accept>ws://localhost:8000/p</accept>
    <type>balancer</type>
  </service>
)") << "service type 'balancer' is not supported by this version";
        QTest::newRow("unsupported element") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <balance>ws://balancer:8000/echo</balance><!--HERE-->
  </service>
)") << "<balance> is not supported by this version";
        QTest::newRow("undefined realm") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <realm-name>nowhere</realm-name><!--HERE-->
  </service>
)") << "realm 'nowhere' is not defined in <security>";
        QTest::newRow("constraint without realm") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <authorization-constraint><!--HERE-->
      <require-role>AUTHORIZED</require-role>
    </authorization-constraint>
  </service>
)") << "<authorization-constraint> needs a <realm-name>";
        QTest::newRow("realm without login module") << document(QByteArray(kEcho) + R"(  <security>
    <realm><!--HERE-->
      <name>demo</name>
      <authentication><http-challenge-scheme>Basic</http-challenge-scheme></authentication>
    </realm>
  </security>
)") << "realm 'demo' has no <login-module>";
        QTest::newRow("unknown login module type") << realmDocument(
                "        <login-modules>\n"
                "          <login-module><!--HERE-->\n"
                "            <type>ldap</type>\n"
                "          </login-module>\n"
                "        </login-modules>")
            << "login module type 'ldap' is not supported";
        QTest::newRow("bad success flag") << realmDocument(
                "        <login-modules>\n"
                "          <login-module>\n"
                "            <type>file</type>\n"
                "            <success>mandatory</success><!--HERE-->\n"
                "          </login-module>\n"
                "        </login-modules>")
            << "success 'mandatory' must be required, requisite, sufficient or optional";
        QTest::newRow("missing users file") << realmDocument(
                "        <login-modules>\n"
                "          <login-module>\n"
                "            <type>file</type>\n"
                "            <options>\n"
                "              <file>no-such-users.xml</file><!--HERE-->\n"
                "            </options>\n"
                "          </login-module>\n"
                "        </login-modules>")
            << "users file";
        QTest::newRow("bad login-throttle") << realmDocument(
                "        <login-throttle>\n"
                "          <maximum-failures>0</maximum-failures><!--HERE-->\n"
                "        </login-throttle>")
            << "maximum-failures: '0' is not a number from 1 to 1000";
        QTest::newRow("token module needs an algorithm") << realmDocument(
                "        <login-modules>\n"
                "          <login-module><!--HERE-->\n"
                "            <type>token</type>\n"
                "            <options><key-alias>issuer</key-alias></options>\n"
                "          </login-module>\n"
                "        </login-modules>")
            << "the token login module needs <options><algorithm>";
        QTest::newRow("token module with two keys") << realmDocument(
                "        <login-modules>\n"
                "          <login-module><!--HERE-->\n"
                "            <type>token</type>\n"
                "            <options><algorithm>RS256</algorithm><key-alias>a</key-alias><key-file>keystore.pw</key-file></options>\n"
                "          </login-module>\n"
                "        </login-modules>")
            << "exactly one of <key-file> and <key-alias>";
        QTest::newRow("HS256 from a certificate") << realmDocument(
                "        <login-modules>\n"
                "          <login-module><!--HERE-->\n"
                "            <type>token</type>\n"
                "            <options><algorithm>HS256</algorithm><key-alias>a</key-alias></options>\n"
                "          </login-module>\n"
                "        </login-modules>")
            << "HS256 needs its shared secret in a <key-file>";
        QTest::newRow("unknown token algorithm") << realmDocument(
                "        <login-modules>\n"
                "          <login-module>\n"
                "            <type>token</type>\n"
                "            <options>\n"
                "              <algorithm>none</algorithm><!--HERE-->\n"
                "              <key-alias>a</key-alias>\n"
                "            </options>\n"
                "          </login-module>\n"
                "        </login-modules>")
            << "algorithm 'none' is not HS256, RS256 or ES256";
        QTest::newRow("option of another module") << realmDocument(
                "        <login-modules>\n"
                "          <login-module>\n"
                "            <type>token</type>\n"
                "            <options>\n"
                "              <file>users.xml</file><!--HERE-->\n"
                "            </options>\n"
                "          </login-module>\n"
                "        </login-modules>")
            << "login module option 'file' is not one the token module takes";
        QTest::newRow("bad clock skew") << realmDocument(
                "        <login-modules>\n"
                "          <login-module>\n"
                "            <type>token</type>\n"
                "            <options>\n"
                "              <clock-skew>1 hour</clock-skew><!--HERE-->\n"
                "            </options>\n"
                "          </login-module>\n"
                "        </login-modules>")
            << "clock-skew: '1 hour' is not a duration of at most 10 minutes";
        QTest::newRow("bad certificate user name") << realmDocument(
                "        <login-modules>\n"
                "          <login-module>\n"
                "            <type>client-certificate</type>\n"
                "            <options>\n"
                "              <user-name>email</user-name><!--HERE-->\n"
                "            </options>\n"
                "          </login-module>\n"
                "        </login-modules>")
            << "user-name 'email' is not common-name or subject";
        QTest::newRow("token header that is read anyway") << realmDocument(
                "        <http-header>Authorization</http-header><!--HERE-->")
            << "<http-header> 'Authorization' is read already";
        QTest::newRow("cookie name that is no token") << realmDocument(
                "        <http-cookie>my token</http-cookie><!--HERE-->")
            << "<http-cookie> 'my token' is not a valid name";
        QTest::newRow("authorization-mode validate") << realmDocument(
                "        <authorization-mode>validate</authorization-mode><!--HERE-->")
            << "authorization-mode 'validate' is not supported by this version of Postern";
        QTest::newRow("unknown authorization-mode") << realmDocument(
                "        <authorization-mode>sometimes</authorization-mode><!--HERE-->")
            << "unknown authorization-mode 'sometimes' (use challenge or recycle)";
        QTest::newRow("session-cookie without recycle") << realmDocument(
                "        <session-cookie><!--HERE--><name>sso</name></session-cookie>")
            << "<session-cookie> takes effect only with <authorization-mode>recycle</authorization-mode>";
        QTest::newRow("session cookie name") << realmDocument(
                "        <authorization-mode>recycle</authorization-mode>\n"
                "        <session-cookie><name>my sso</name><!--HERE--></session-cookie>")
            << "session cookie name 'my sso' is not a valid cookie name";
        QTest::newRow("session cookie age") << realmDocument(
                "        <authorization-mode>recycle</authorization-mode>\n"
                "        <session-cookie><maximum-age>30 days</maximum-age><!--HERE--></session-cookie>")
            << "maximum-age: '30 days' is not a duration from 1 s to 7 days";
        QTest::newRow("session cookie same-site") << realmDocument(
                "        <authorization-mode>recycle</authorization-mode>\n"
                "        <session-cookie><same-site>strict</same-site><!--HERE--></session-cookie>")
            << "same-site: 'strict' is not Strict, Lax or None";
        QTest::newRow("session cookie key file") << realmDocument(
                "        <authorization-mode>recycle</authorization-mode>\n"
                "        <session-cookie><key-file>absent.key</key-file><!--HERE--></session-cookie>")
            << "absent.key' does not exist";
        QTest::newRow("session cookie unknown") << realmDocument(
                "        <authorization-mode>recycle</authorization-mode>\n"
                "        <session-cookie><domain>example.com</domain><!--HERE--></session-cookie>")
            << "unknown element <domain> in <session-cookie>";
        QTest::newRow("authorization-timeout") << realmDocument(
                "        <authorization-timeout>5 min</authorization-timeout><!--HERE-->")
            << "<authorization-timeout> is not supported by this version of Postern";
        QTest::newRow("unknown challenge scheme") << realmDocument(
                "        <http-challenge-scheme>Digest</http-challenge-scheme><!--HERE-->")
            << "unknown http-challenge-scheme 'Digest'";
        QTest::newRow("unsafe TLS version") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <accept-options>
      <ssl.protocols>TLSv1.2, TLSv1.1</ssl.protocols><!--HERE-->
    </accept-options>
  </service>
)") << "ssl.protocols: TLSv1.1 is not safe";
        QTest::newRow("unknown TLS version") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <accept-options>
      <tls.protocols>TLSv9</tls.protocols><!--HERE-->
    </accept-options>
  </service>
)") << "tls.protocols: unknown protocol 'TLSv9'";
        QTest::newRow("bad ssl.encryption") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <accept-options>
      <ssl.encryption>maybe</ssl.encryption><!--HERE-->
    </accept-options>
  </service>
)") << "ssl.encryption: 'maybe' must be 'enabled' or 'disabled'";
        QTest::newRow("verify-client without truststore") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <accept-options>
      <ssl.verify-client>required</ssl.verify-client><!--HERE-->
    </accept-options>
  </service>
)") << "ssl.verify-client needs <security><truststore>";
        QTest::newRow("bad verify-client") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <accept-options>
      <ssl.verify-client>sometimes</ssl.verify-client><!--HERE-->
    </accept-options>
  </service>
)") << "ssl.verify-client: 'sometimes' must be none, optional or required";
        QTest::newRow("missing truststore file") << document(QByteArray(kEcho) + R"(  <security>
    <truststore>
      <file>absent-truststore.p12</file><!--HERE-->
      <password-file>keystore.pw</password-file>
    </truststore>
  </security>
)") << "truststore file";
        QTest::newRow("cipher string with spaces") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <accept-options>
      <ssl.ciphers>HIGH MEDIUM</ssl.ciphers><!--HERE-->
    </accept-options>
  </service>
)") << "is not an OpenSSL cipher string";
        QTest::newRow("cross-site without origin") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <cross-site-constraint><!--HERE-->
      <allow-methods>GET</allow-methods>
    </cross-site-constraint>
  </service>
)") << "<cross-site-constraint> needs an <allow-origin>";
        QTest::newRow("cross-site bad origin") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <cross-site-constraint>
      <allow-origin>app.example.com</allow-origin><!--HERE-->
    </cross-site-constraint>
  </service>
)") << "allow-origin 'app.example.com' is not '*' or an origin";
        QTest::newRow("cross-site bad method") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <cross-site-constraint>
      <allow-origin>*</allow-origin>
      <allow-methods>GET, P(ST</allow-methods><!--HERE-->
    </cross-site-constraint>
  </service>
)") << "allow-methods: 'P(ST' is not a valid name";
        QTest::newRow("cross-site bad age") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <cross-site-constraint>
      <allow-origin>*</allow-origin>
      <maximum-age>forever</maximum-age><!--HERE-->
    </cross-site-constraint>
  </service>
)") << "maximum-age: 'forever' is not a valid duration";
        QTest::newRow("cross-site same origin twice") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <cross-site-constraint><allow-origin>https://a.test</allow-origin></cross-site-constraint>
    <cross-site-constraint><allow-origin>https://a.test:443</allow-origin></cross-site-constraint><!--HERE-->
  </service>
)") << "allow-origin 'https://a.test:443' is already allowed at line 7";
        QTest::newRow("missing name") << document(R"(  <service><!--HERE-->
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
  </service>
)") << "service has no <name>";
        QTest::newRow("duplicate name") << document(QByteArray(kEcho) + R"(  <service><!--HERE-->
    <name>echo</name>
    <accept>ws://localhost:8000/other</accept>
    <type>echo</type>
  </service>
)") << "service name 'echo' is already used at line 3";
        QTest::newRow("no accept") << document(R"(  <service><!--HERE-->
    <name>echo</name>
    <type>echo</type>
  </service>
)") << "service 'echo' has no <accept>";
        QTest::newRow("bad scheme") << document(R"(  <service>
    <name>echo</name>
    <accept>ftp://localhost:8000/echo</accept><!--HERE-->
    <type>echo</type>
  </service>
)") << "scheme 'ftp' is not supported";
        QTest::newRow("bad port") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:70000/echo</accept><!--HERE-->
    <type>echo</type>
  </service>
)") << "is not a valid URL";
        QTest::newRow("http accept on echo") << document(R"(  <service>
    <name>echo</name>
    <accept>http://localhost:8000/echo</accept><!--HERE-->
    <type>echo</type>
  </service>
)") << "an echo service accepts ws:// or wss:// only";
        QTest::newRow("proxy without connect") << document(R"(  <service><!--HERE-->
    <name>p</name>
    <accept>ws://localhost:8000/p</accept>
    <type>proxy</type>
  </service>
)") << "proxy service 'p' needs a <connect> naming its back-end";
        QTest::newRow("proxy with two connects") << proxyDocument("<connect>tcp://a:1</connect>\n"
                                                                  "    <connect>tcp://b:1</connect><!--HERE-->")
                                                 << "a proxy service takes one <connect>";
        QTest::newRow("proxy to udp") << proxyDocument("<connect>udp://a:1</connect><!--HERE-->")
                                      << "scheme 'udp' is not supported (use tcp, ssl, ws or wss)";
        QTest::newRow("tcp back-end without port") << proxyDocument("<connect>tcp://db.test</connect><!--HERE-->")
                                                   << "connect 'tcp://db.test' needs a port (tcp://host:port)";
        QTest::newRow("tcp back-end with a path") << proxyDocument("<connect>tcp://db.test:5432/x</connect><!--HERE-->")
                                                  << "a tcp back-end has no path or query";
        QTest::newRow("back-end URL shown as written") << proxyDocument("<connect>tcp://exa mple:1</connect><!--HERE-->")
                                                       << "connect 'tcp://exa mple:1' is not a valid URL";
        QTest::newRow("broadcast back-end") << proxyDocument("<connect>tcp://255.255.255.255:80</connect><!--HERE-->")
                                            << "'255.255.255.255' is not an address a back-end can have";
        QTest::newRow("unspecified back-end") << proxyDocument("<connect>tcp://0.0.0.0:80</connect><!--HERE-->")
                                              << "'0.0.0.0' is not an address a back-end can have";
        QTest::newRow("short address") << proxyDocument("<connect>tcp://1.2.3:80</connect><!--HERE-->")
                                       << "'1.2.3' is not an address a back-end can have";
        QTest::newRow("wss back-end without truststore") << proxyDocument("<connect>wss://b.test/x</connect><!--HERE-->")
                                                         << "verified against <security><truststore>, which is missing";
        QTest::newRow("proxy accepting http") << document(R"(  <service>
    <name>p</name>
    <accept>http://localhost:8000/p</accept><!--HERE-->
    <connect>tcp://localhost:7000</connect>
    <type>proxy</type>
  </service>
)") << "a proxy service accepts ws:// or wss:// only";
        QTest::newRow("bad connect.strategy") << proxyDocument("<connect>tcp://a:1</connect>",
                                                               "<connect.strategy>lazy</connect.strategy><!--HERE-->")
                                              << "connect.strategy 'lazy' is not immediate, deferred or prepared";
        QTest::newRow("small maximum.pending.bytes") << proxyDocument("<connect>tcp://a:1</connect>",
                                                                      "<maximum.pending.bytes>1k</maximum.pending.bytes><!--HERE-->")
                                                     << "maximum.pending.bytes: '1k' is not a size from 4k to 64m";
        QTest::newRow("prepared count without prepared") << proxyDocument("<connect>tcp://a:1</connect>",
                                                                          "<prepared.connection.count>2</prepared.connection.count><!--HERE-->")
                                                         << "prepared.connection.count needs connect.strategy prepared";
        QTest::newRow("unsupported proxy property") << proxyDocument("<connect>tcp://a:1</connect>",
                                                                     "<maximum.recovery.interval>5</maximum.recovery.interval><!--HERE-->")
                                                    << "proxy property 'maximum.recovery.interval' is not supported by this version";
        QTest::newRow("unknown connect option") << proxyDocument("<connect>tcp://a:1</connect>\n"
                                                                 "    <connect-options><ws.bogus>1</ws.bogus><!--HERE--></connect-options>")
                                                << "connect option 'ws.bogus' is unknown";
        QTest::newRow("unsafe back-end TLS") << proxyDocument("<connect>tcp://a:1</connect>\n"
                                                              "    <connect-options><ssl.protocols>TLSv1</ssl.protocols><!--HERE--></connect-options>")
                                             << "ssl.protocols: TLSv1 is not safe";
        QTest::newRow("management without realm") << document(R"(  <service><!--HERE-->
    <name>m</name>
    <accept>ws://localhost:9443/m</accept>
    <type>management</type>
  </service>
)") << "management service 'm' needs a <realm-name>";
        QTest::newRow("management over ws away from loopback") << realmDocument("").replace("  <security>", R"(  <service>
    <name>m</name>
    <accept>ws://0.0.0.0:9443/m</accept><!--HERE-->
    <type>management</type>
    <realm-name>demo</realm-name>
  </service>
  <security>)") << "management over plain ws:// away from loopback sends passwords in the clear";
        QTest::newRow("management for any valid user") << realmDocument("").replace("  <security>", R"(  <service>
    <name>m</name>
    <accept>ws://localhost:9443/m</accept>
    <type>management</type>
    <realm-name>demo</realm-name>
    <authorization-constraint><!--HERE--><require-valid-user/></authorization-constraint>
  </service>
  <security>)") << "must name the roles that may use it";
        QTest::newRow("login without realm") << document(R"(  <service><!--HERE-->
    <name>l</name>
    <accept>http://localhost:8000/login</accept>
    <type>login</type>
  </service>
)") << "login service 'l' needs a <realm-name>";
        QTest::newRow("login without single sign-on") << realmDocument("").replace("  <security>", R"(  <service>
    <name>l</name>
    <accept>http://localhost:8000/login</accept>
    <type>login</type>
    <realm-name>demo</realm-name><!--HERE-->
  </service>
  <security>)") << "realm 'demo' has no single sign-on cookie to give";
        QTest::newRow("login over ws") << realmDocument("<authorization-mode>recycle</authorization-mode>").replace("  <security>", R"(  <service>
    <name>l</name>
    <accept>ws://localhost:8000/login</accept><!--HERE-->
    <type>login</type>
    <realm-name>demo</realm-name>
  </service>
  <security>)") << "a login service accepts http:// or https:// only";
        // Ordinary literals here: moc misreads some raw strings.
        QTest::newRow("login over http away from loopback")
            << realmDocument("<authorization-mode>recycle</authorization-mode>")
                   .replace("  <security>", "  <service>\n"
                                            "    <name>l</name>\n"
                                            "    <accept>http:/" "/gateway.example.com:8000/login</accept><!--HERE-->\n"
                                            "    <type>login</type>\n"
                                            "    <realm-name>demo</realm-name>\n"
                                            "  </service>\n"
                                            "  <security>")
            << "a login over plain http:/" "/ away from loopback sends passwords and the single sign-on cookie in the clear";
        QTest::newRow("login flag") << realmDocument("<authorization-mode>recycle</authorization-mode>")
                                           .replace("  <security>", "  <service>\n"
                                                                    "    <name>l</name>\n"
                                                                    "    <accept>http:/" "/localhost:8000/login</accept>\n"
                                                                    "    <type>login</type>\n"
                                                                    "    <properties><allow.unencrypted>maybe</allow.unencrypted><!--HERE--></properties>\n"
                                                                    "    <realm-name>demo</realm-name>\n"
                                                                    "  </service>\n"
                                                                    "  <security>")
                                    << "allow.unencrypted: 'maybe' must be true or false";
        QTest::newRow("management flag") << realmDocument("").replace("  <security>", R"(  <service>
    <name>m</name>
    <accept>ws://localhost:9443/m</accept>
    <type>management</type>
    <properties><metrics>sometimes</metrics><!--HERE--></properties>
    <realm-name>demo</realm-name>
  </service>
  <security>)") << "metrics: 'sometimes' must be true or false";
        QTest::newRow("connect-options on echo") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <connect-options><connect.timeout>5s</connect.timeout></connect-options><!--HERE-->
  </service>
)") << "service type 'echo' connects to nothing";
        QTest::newRow("connect on echo") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <connect>tcp://localhost:7</connect><!--HERE-->
    <type>echo</type>
  </service>
)") << "service type 'echo' takes no <connect>";
        QTest::newRow("tls and plain on one port") << document(QByteArray(kEcho) + R"(  <service>
    <name>secure</name>
    <accept>wss://localhost:8000/secure</accept><!--HERE-->
    <type>echo</type>
  </service>
  <security><keystore><file>keystore.p12</file><password-file>keystore.pw</password-file></keystore></security>
)") << "is used with TLS and without it";
        QTest::newRow("listener options differ") << document(QByteArray(kEcho) + R"(  <service>
    <name>other</name>
    <accept>ws://localhost:8000/other</accept>
    <type>echo</type>
    <accept-options><!--HERE-->
      <http.keepalive.timeout>5s</http.keepalive.timeout>
    </accept-options>
  </service>
)") << "share localhost:8000 but differ";
        QTest::newRow("directory without directory") << document(R"(  <service><!--HERE-->
    <name>files</name>
    <accept>http://localhost:8000/</accept>
    <type>directory</type>
  </service>
)") << "needs the property <directory>";
        QTest::newRow("directory that does not exist") << document(R"(  <service>
    <name>files</name>
    <accept>http://localhost:8000/</accept>
    <type>directory</type>
    <properties>
      <directory>no-such-folder</directory><!--HERE-->
    </properties>
  </service>
)") << "does not exist";
        QTest::newRow("unknown directory property") << document(R"(  <service>
    <name>files</name>
    <accept>http://localhost:8000/</accept>
    <type>directory</type>
    <properties>
      <directory>web</directory>
      <options>indexes</options><!--HERE-->
    </properties>
  </service>
)") << "service type 'directory' has no property 'options'";
        QTest::newRow("echo with a property") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <properties>
      <repeat>2</repeat><!--HERE-->
    </properties>
  </service>
)") << "service type 'echo' has no property 'repeat'";
        QTest::newRow("properties after a service") << document(QByteArray(kEcho) + R"(  <properties><!--HERE-->
    <property><name>x</name><value>y</value></property>
  </properties>
)") << "<properties> must come before every other element";
        QTest::newRow("property without value") << document(QByteArray(R"(  <properties>
    <property><name>x</name></property><!--HERE-->
  </properties>
)") + kEcho) << "property 'x' needs a <value>";
        QTest::newRow("element inside a leaf") << document(R"(  <service>
    <name>echo</name>
    <accept><url>ws://localhost:8000/echo</url></accept><!--HERE-->
    <type>echo</type>
  </service>
)") << "<accept> must contain text only";
        QTest::newRow("malformed XML") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</typo><!--HERE-->
  </service>
)") << "malformed XML";
        // Ordinary literals here: moc misreads a quoted "http://" inside a raw string.
        QTest::newRow("wrong namespace")
            << QByteArray("<?xml version=\"1.0\"?>\n<gateway-config xmlns=\"http:/" "/example.com/other\"><!--HERE-->\n"
                          "</gateway-config>\n")
            << "unsupported namespace 'http://example.com/other'";
        QTest::newRow("wrong root") << QByteArray("<?xml version=\"1.0\"?>\n<config><!--HERE-->\n</config>\n")
                                    << "the root element is <config>, expected <gateway-config>";
        QTest::newRow("keystore type") << document(QByteArray(kEcho) + R"(  <security>
    <keystore>
      <type>JKS</type><!--HERE-->
      <file>keystore.p12</file>
      <password-file>keystore.pw</password-file>
    </keystore>
  </security>
)") << "keystore type 'JKS' is not supported";
        QTest::newRow("mime-mapping on echo") << document(R"(  <service>
    <name>echo</name>
    <accept>ws://localhost:8000/echo</accept>
    <type>echo</type>
    <mime-mapping><extension>x</extension><mime-type>text/x</mime-type></mime-mapping><!--HERE-->
  </service>
)") << "<mime-mapping> applies to directory services";
        QTest::newRow("accept-options twice in defaults") << document(QByteArray(kEcho) + R"(  <service-defaults>
    <accept-options/>
    <accept-options/><!--HERE-->
  </service-defaults>
)") << "<accept-options> may appear only once in <service-defaults>";
        QTest::newRow("no services") << document("  <service-defaults/>\n")
                                     << "defines no service";
    }

    void errors()
    {
        QFETCH(QByteArray, xml);
        QFETCH(QString, message);
        const auto config = ConfigLoader::loadData(xml, path());
        QVERIFY2(!config, "the document was accepted");
        const ConfigErrors &errors = config.error();
        const auto found = std::find_if(errors.cbegin(), errors.cend(),
                                        [&](const ConfigError &e) { return e.message.contains(message); });
        QVERIFY2(found != errors.cend(), qPrintable(QStringLiteral("no error containing \"%1\"; got: %2")
                                                        .arg(message, errors.first().toString())));
        QCOMPARE(found->file, path());
        const int expectedLine = markedLine(xml);
        if (expectedLine > 0)
            QCOMPARE(found->where.line, expectedLine);
        QVERIFY(found->toString().startsWith(path() + u':' + QString::number(found->where.line) + u':'));
    }

    void everyProblemIsListed()
    {
        const QByteArray xml = document(R"(  <service>
    <name>a</name>
    <accept>ws://localhost:8000/a</accept>
    <type>echo</type>
    <accept-options><ws.inactivity.timeout>never</ws.inactivity.timeout></accept-options>
  </service>
  <service>
    <name>b</name>
    <accept>ws://localhost:8000/a</accept>
    <type>ekko</type>
  </service>
  <service>
    <name>c</name>
    <accept>gopher://localhost:8000/c</accept>
    <type>echo</type>
    <colour>blue</colour>
  </service>
)");
        const auto config = ConfigLoader::loadData(xml, path());
        QVERIFY(!config);
        QStringList lines;
        for (const auto &error : config.error())
            lines << QString::number(error.where.line);
        // The unknown element (found while reading), then those found while validating: the
        // bad duration, the unknown type and (despite it) the duplicate accept, the bad scheme.
        QCOMPARE(lines.join(u','), QStringLiteral("18,7,9,11,16"));
    }

    void unreadableFile()
    {
        const auto config = ConfigLoader::loadFile(m_dir.filePath(QStringLiteral("absent.xml")));
        QVERIFY(!config);
        QVERIFY(config.error().first().message.contains(QStringLiteral("cannot read")));
    }
};

QTEST_GUILESS_MAIN(TestConfigLoader)
#include "tst_configloader.moc"
