#include "config/configloader.h"

#include "config/configdocument.h"
#include "config/valueparser.h"

#include <QDir>
#include "util/filereader.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QHostAddress>
#include <QRegularExpression>
#include <QSet>
#include <QXmlStreamReader>

namespace Postern::Config {

namespace {

const QString kKaazingNamespace = QStringLiteral("http://xmlns.kaazing.org/2016/06/gateway");

const QStringList kServiceTypes = {QStringLiteral("echo"), QStringLiteral("directory"), QStringLiteral("proxy"),
                                   QStringLiteral("broadcast"), QStringLiteral("management"), QStringLiteral("login")};
// KAAZING service types Postern knows of but does not offer (yet): named in the error.
const QStringList kUnsupportedServiceTypes = {
    QStringLiteral("balancer"),
    QStringLiteral("amqp.proxy"),  QStringLiteral("http.proxy"),
    QStringLiteral("http.redirect"), QStringLiteral("management.jmx"),
    QStringLiteral("management.snmp"), QStringLiteral("session"), QStringLiteral("turn.rest")};

// Elements of KAAZING's schema that this version does not implement: reported, never skipped.
const QStringList kUnsupportedServiceElements = {QStringLiteral("balance"), QStringLiteral("notify")};

// What a proxy may connect to, and the default ports of those that have one.
const QStringList kConnectSchemes = {QStringLiteral("tcp"), QStringLiteral("ssl"), QStringLiteral("ws"), QStringLiteral("wss")};

// Whether an accept URL's host is this machine's loopback (localhost, 127.0.0.0/8, ::1): only
// there may credentials travel unencrypted without the service saying so.
bool isLoopbackHost(const QUrl &url)
{
    const QHostAddress address(url.host());
    return url.host() == u"localhost" || (!address.isNull() && address.isLoopback());
}

// One option as written, kept until service-defaults (which may come later) are known.
struct RawOption
{
    QString name;
    QString value;
    SourceLocation where;
};

struct RawService
{
    ServiceConfig config;
    QList<RawOption> acceptOptions;
    bool hasAcceptOptions = false;
    QList<QPair<QString, SourceLocation>> connects; // as written
    QList<RawOption> connectOptions;
    bool hasConnectOptions = false;
    bool sawName = false;
    bool sawType = false;
    bool hasMimeMapping = false;
    SourceLocation mimeMappingWhere;
    SourceLocation realmWhere;
    QHash<QString, SourceLocation> propertyLocations;
};

// Parses one document. Errors accumulate; parsing goes on after a bad value so that
// a single run lists every problem.
class Parser
{
public:
    Parser(const QByteArray &xml, const QString &fileName)
        : m_reader(xml), m_fileName(fileName),
          m_baseDir(QFileInfo(fileName).absoluteDir())
    {
    }

    std::expected<GatewayConfig, ConfigErrors> run()
    {
        parseDocument();
        const bool readerBroken = m_reader.hasError();
        if (readerBroken) {
            if (m_reader.error() == QXmlStreamReader::CustomError)
                addError(m_errorWhere, m_reader.errorString());
            else
                addError(here(), QStringLiteral("malformed XML: ") + m_reader.errorString());
        }
        // Element-level problems do not stop validation: one run lists every problem. Only
        // XML the reader could not finish leaves nothing sound to validate.
        if (!readerBroken && m_sawRoot)
            finish();
        if (!m_errors.isEmpty())
            return std::unexpected(m_errors);
        m_config.sourceFile = QFileInfo(m_fileName).absoluteFilePath();
        return m_config;
    }

private:
    SourceLocation here() const
    {
        return {int(m_reader.lineNumber()), int(m_reader.columnNumber())};
    }

    void addError(SourceLocation where, const QString &message)
    {
        m_errors.append({m_fileName, where, message});
    }

    QString elementName() const { return m_reader.name().toString(); }

    // Every element must be in the root's namespace, so a typo'd prefix is not ignored.
    bool checkNamespace()
    {
        if (m_reader.namespaceUri() == m_namespace)
            return true;
        addError(here(), QStringLiteral("element <%1> is in namespace '%2', expected '%3'")
                             .arg(elementName(), m_reader.namespaceUri().toString(), m_namespace));
        m_reader.skipCurrentElement();
        return false;
    }

    void unknownElement(const QString &parent)
    {
        addError(here(), QStringLiteral("unknown element <%1> in <%2>").arg(elementName(), parent));
        m_reader.skipCurrentElement();
    }

    // Text content of a leaf element, with ${property} substituted and white space trimmed.
    // Returns nothing (after reporting) when the element has child elements or bad references.
    std::optional<QString> readText()
    {
        const SourceLocation where = here();
        const QString name = elementName();
        const QString raw = m_reader.readElementText(QXmlStreamReader::ErrorOnUnexpectedElement);
        if (m_reader.hasError()) {
            // The reader cannot go on after this; run() reports it once. A child element is
            // our message at this element; anything else is malformed XML where it was found.
            if (m_reader.error() == QXmlStreamReader::UnexpectedElementError) {
                m_errorWhere = where;
                m_reader.raiseError(QStringLiteral("<%1> must contain text only").arg(name));
            }
            return std::nullopt;
        }
        return substitute(raw.trimmed(), where);
    }

    std::optional<QString> substitute(const QString &text, SourceLocation where)
    {
        static const QRegularExpression reference(QStringLiteral(R"(\$\{([^}]*)\})"));
        if (!text.contains(u'$'))
            return text;
        QString result;
        qsizetype last = 0;
        bool ok = true;
        auto it = reference.globalMatch(text);
        while (it.hasNext()) {
            const auto match = it.next();
            result += QStringView(text).mid(last, match.capturedStart() - last);
            const QString name = match.captured(1).trimmed();
            if (!m_config.properties.contains(name)) {
                addError(where, QStringLiteral("undefined property '${%1}'").arg(name));
                ok = false;
            } else {
                result += m_config.properties.value(name);
            }
            last = match.capturedEnd();
        }
        result += QStringView(text).mid(last);
        if (!ok)
            return std::nullopt;
        return result;
    }

    // Calls handle(name, where, text) for each child element of the current one that holds
    // text (after ${} substitution); children in a foreign namespace or with bad text are
    // reported and skipped.
    template<typename Handler>
    void forEachTextChild(Handler handle)
    {
        while (m_reader.readNextStartElement()) {
            if (!checkNamespace())
                continue;
            const QString name = elementName();
            const SourceLocation where = here();
            if (const auto text = readText())
                handle(name, where, *text);
        }
    }

    void parseDocument()
    {
        if (!m_reader.readNextStartElement()) {
            if (!m_reader.hasError())
                addError(here(), QStringLiteral("the document has no root element"));
            return;
        }
        if (elementName() != u"gateway-config") {
            addError(here(), QStringLiteral("the root element is <%1>, expected <gateway-config>")
                                 .arg(elementName()));
            return;
        }
        m_namespace = m_reader.namespaceUri().toString();
        m_sawRoot = true;
        if (!m_namespace.isEmpty() && !supportedNamespacesList().contains(m_namespace)) {
            addError(here(), QStringLiteral("unsupported namespace '%1' (use '%2' or none)")
                                 .arg(m_namespace, kKaazingNamespace));
            m_sawRoot = false;
            return;
        }
        bool sawService = false;
        bool sawSecurity = false;
        bool sawDefaults = false;
        bool sawLogging = false;
        bool sawWorkers = false;
        while (m_reader.readNextStartElement()) {
            if (!checkNamespace())
                continue;
            const QString name = elementName();
            if (name == u"properties") {
                if (sawService || sawSecurity || sawDefaults)
                    addError(here(), QStringLiteral("<properties> must come before every other element"));
                parseProperties();
            } else if (name == u"service") {
                sawService = true;
                parseService();
            } else if (name == u"service-defaults") {
                if (sawDefaults)
                    addError(here(), QStringLiteral("<service-defaults> may appear only once"));
                sawDefaults = true;
                parseServiceDefaults();
            } else if (name == u"security") {
                if (sawSecurity)
                    addError(here(), QStringLiteral("<security> may appear only once"));
                sawSecurity = true;
                parseSecurity();
            } else if (name == u"logging") {
                if (sawLogging)
                    addError(here(), QStringLiteral("<logging> may appear only once"));
                sawLogging = true;
                parseLogging();
            } else if (name == u"workers") {
                if (sawWorkers)
                    addError(here(), QStringLiteral("<workers> may appear only once"));
                sawWorkers = true;
                parseWorkers();
            } else if (name == u"cluster") {
                if (m_config.cluster)
                    addError(here(), QStringLiteral("<cluster> may appear only once"));
                parseCluster();
            } else {
                unknownElement(QStringLiteral("gateway-config"));
            }
        }
    }

    static QStringList supportedNamespacesList() { return {kKaazingNamespace}; }

    void parseWorkers()
    {
        const SourceLocation where = here();
        const auto text = readText();
        if (!text)
            return;
        if (*text == u"auto") {
            m_config.workers = 0;
            return;
        }
        bool ok = false;
        const int count = text->toInt(&ok);
        if (!ok || count < 1 || count > GatewayConfig::kMaximumWorkers) {
            addError(where, QStringLiteral("<workers> '%1' must be a whole number from 1 to %2, or auto (one per core)")
                                .arg(*text).arg(GatewayConfig::kMaximumWorkers));
            return;
        }
        m_config.workers = count;
    }

    void parseLogging()
    {
        forEachTextChild([&](const QString &category, SourceLocation where, const QString &level) {
            if (!LoggingConfig::categories().contains(category)) {
                addError(where, QStringLiteral("unknown log category <%1> in <logging> (use %2)")
                                    .arg(category, LoggingConfig::categories().join(u", ")));
                return;
            }
            if (!LoggingConfig::levelNames().contains(level)) {
                addError(where, QStringLiteral("log level '%1' for %2 is not one of %3")
                                    .arg(level, category, LoggingConfig::levelNames().join(u", ")));
                return;
            }
            if (m_config.logging.levels.contains(category))
                addError(where, QStringLiteral("log category %1 appears twice in <logging>").arg(category));
            m_config.logging.levels.insert(category, level);
        });
    }

    void parseProperties()
    {
        while (m_reader.readNextStartElement()) {
            if (!checkNamespace())
                continue;
            if (elementName() != u"property") {
                unknownElement(QStringLiteral("properties"));
                continue;
            }
            const SourceLocation where = here();
            std::optional<QString> name, value;
            while (m_reader.readNextStartElement()) {
                if (!checkNamespace())
                    continue;
                if (elementName() == u"name")
                    name = readText();
                else if (elementName() == u"value")
                    value = readText();
                else
                    unknownElement(QStringLiteral("property"));
            }
            if (!name || name->isEmpty()) {
                addError(where, QStringLiteral("<property> needs a <name>"));
                continue;
            }
            if (!value) {
                addError(where, QStringLiteral("property '%1' needs a <value>").arg(*name));
                continue;
            }
            if (m_config.properties.contains(*name))
                addError(where, QStringLiteral("property '%1' is defined twice").arg(*name));
            m_config.properties.insert(*name, *value);
        }
    }

    void parseOptions(QList<RawOption> &options, const QString &parent)
    {
        QSet<QString> seen;
        forEachTextChild([&](const QString &name, SourceLocation where, const QString &value) {
            if (seen.contains(name))
                addError(where, QStringLiteral("option '%1' appears twice in <%2>").arg(name, parent));
            seen.insert(name);
            options.append({name, value, where});
        });
    }

    void parseMimeMapping(QMap<QString, QString> &mappings)
    {
        const SourceLocation where = here();
        std::optional<QString> extension, type;
        while (m_reader.readNextStartElement()) {
            if (!checkNamespace())
                continue;
            if (elementName() == u"extension")
                extension = readText();
            else if (elementName() == u"mime-type")
                type = readText();
            else
                unknownElement(QStringLiteral("mime-mapping"));
        }
        if (!extension || extension->isEmpty() || !type || type->isEmpty()) {
            addError(where, QStringLiteral("<mime-mapping> needs an <extension> and a <mime-type>"));
            return;
        }
        static const QRegularExpression mimeType(QStringLiteral(R"(^[\w.+-]+/[\w.+-]+(\s*;.*)?$)"));
        if (!mimeType.match(*type).hasMatch()) {
            addError(where, QStringLiteral("'%1' is not a MIME type").arg(*type));
            return;
        }
        QString ext = extension->toLower();
        if (ext.startsWith(u'.'))
            ext.remove(0, 1);
        mappings.insert(ext, *type);
    }

    void parseCrossSiteConstraint(QList<CrossSiteConstraint> &constraints)
    {
        static const QRegularExpression token(QStringLiteral(R"(^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$)"));
        CrossSiteConstraint constraint;
        constraint.where = here();
        constraint.allowMethods = {QStringLiteral("GET"), QStringLiteral("HEAD"), QStringLiteral("POST")};
        bool sawOrigin = false;
        QSet<QString> seen;
        // A comma-separated list of HTTP tokens, or nothing (after reporting).
        const auto tokens = [&](const QString &text, SourceLocation where, const QString &what) -> std::optional<QStringList> {
            QStringList list;
            for (const QString &part : text.split(u',', Qt::SkipEmptyParts)) {
                const QString item = part.trimmed();
                if (!token.match(item).hasMatch()) {
                    addError(where, QStringLiteral("%1: '%2' is not a valid name").arg(what, item));
                    return std::nullopt;
                }
                list << item;
            }
            return list;
        };
        while (m_reader.readNextStartElement()) {
            if (!checkNamespace())
                continue;
            const QString name = elementName();
            const SourceLocation where = here();
            if (seen.contains(name))
                addError(where, QStringLiteral("<%1> may appear only once in a <cross-site-constraint>").arg(name));
            seen.insert(name);
            if (name != u"allow-origin" && name != u"allow-methods" && name != u"allow-headers" && name != u"maximum-age") {
                unknownElement(QStringLiteral("cross-site-constraint"));
                continue;
            }
            const auto text = readText();
            if (!text)
                continue;
            if (name == u"allow-origin") {
                sawOrigin = true;
                if (*text == u"*") {
                    constraint.allowOrigin = *text;
                } else if (const auto origin = CrossSiteConstraint::normaliseOrigin(*text); origin && *origin != u"null") {
                    constraint.allowOrigin = *origin;
                } else {
                    addError(where, QStringLiteral("allow-origin '%1' is not '*' or an origin like https://app.example.com:443 "
                                                   "(scheme http or https, a host, an optional port, no path)").arg(*text));
                }
            } else if (name == u"allow-methods") {
                if (const auto list = tokens(*text, where, QStringLiteral("allow-methods"))) {
                    constraint.allowMethods.clear();
                    for (const QString &method : *list)
                        constraint.allowMethods << method.toUpper();
                }
            } else if (name == u"allow-headers") {
                if (const auto list = tokens(*text, where, QStringLiteral("allow-headers"))) {
                    constraint.allowHeaders.clear();
                    for (const QString &header : *list)
                        constraint.allowHeaders << header.toLower();
                }
            } else {
                const auto age = ValueParser::parseDuration(*text);
                if (!age)
                    addError(where, QStringLiteral("maximum-age: '%1' is not a valid duration (a bare number is seconds)").arg(*text));
                else
                    constraint.maximumAgeSeconds = age->count() / 1000;
            }
        }
        if (!sawOrigin) {
            addError(constraint.where, QStringLiteral("<cross-site-constraint> needs an <allow-origin>"));
            return;
        }
        for (const auto &existing : std::as_const(constraints)) {
            if (existing.allowOrigin == constraint.allowOrigin && !constraint.allowOrigin.isEmpty()) {
                addError(constraint.where, QStringLiteral("allow-origin '%1' is already allowed at line %2")
                                               .arg(constraint.allowOrigin).arg(existing.where.line));
                return;
            }
        }
        if (!constraint.allowOrigin.isEmpty())
            constraints.append(constraint);
    }

    void parseAuthorizationConstraint(ServiceConfig &service)
    {
        AuthorizationConstraint constraint = service.authorization.value_or(AuthorizationConstraint());
        if (!service.authorization)
            constraint.where = here();
        while (m_reader.readNextStartElement()) {
            if (!checkNamespace())
                continue;
            const QString name = elementName();
            const SourceLocation where = here();
            if (name == u"require-role") {
                if (const auto role = readText(); role && !role->isEmpty())
                    constraint.requireRoles << *role;
                else if (role)
                    addError(where, QStringLiteral("<require-role> names no role"));
            } else if (name == u"require-valid-user") {
                constraint.requireValidUser = true;
                m_reader.skipCurrentElement();
            } else {
                unknownElement(QStringLiteral("authorization-constraint"));
            }
        }
        if (constraint.requireRoles.isEmpty() && !constraint.requireValidUser)
            addError(constraint.where, QStringLiteral("<authorization-constraint> needs <require-role> or <require-valid-user/>"));
        service.authorization = constraint;
    }

    void parseRealm()
    {
        RealmConfig realm;
        realm.where = here();
        QSet<QString> seen;
        while (m_reader.readNextStartElement()) {
            if (!checkNamespace())
                continue;
            const QString name = elementName();
            const SourceLocation where = here();
            if (name == u"name" || name == u"description") {
                if (seen.contains(name))
                    addError(where, QStringLiteral("<%1> may appear only once in a <realm>").arg(name));
                seen.insert(name);
                if (const auto text = readText())
                    (name == u"name" ? realm.name : realm.description) = *text;
            } else if (name == u"authentication") {
                parseAuthentication(realm);
            } else if (name == u"user-principal-class") {
                addError(where, QStringLiteral("<user-principal-class> is not supported by this version of Postern"));
                m_reader.skipCurrentElement();
            } else {
                unknownElement(QStringLiteral("realm"));
            }
        }
        if (realm.name.isEmpty()) {
            addError(realm.where, QStringLiteral("<realm> needs a <name>"));
            return;
        }
        if (const RealmConfig *existing = m_config.realm(realm.name)) {
            addError(realm.where, QStringLiteral("realm '%1' is already defined at line %2").arg(realm.name).arg(existing->where.line));
            return;
        }
        if (realm.loginModules.isEmpty())
            addError(realm.where, QStringLiteral("realm '%1' has no <login-module>: nobody could log in").arg(realm.name));
        m_config.realms.append(realm);
    }

    void parseAuthentication(RealmConfig &realm)
    {
        bool sessionCookieSeen = false;
        while (m_reader.readNextStartElement()) {
            if (!checkNamespace())
                continue;
            const QString name = elementName();
            const SourceLocation where = here();
            if (name == u"http-challenge-scheme") {
                const auto scheme = readText();
                if (!scheme)
                    continue;
                if (*scheme == u"Basic" || *scheme == u"Application Basic" || *scheme == u"Application Token")
                    realm.challengeScheme = *scheme;
                else if (*scheme == u"Negotiate" || *scheme == u"Application Negotiate")
                    addError(where, QStringLiteral("http-challenge-scheme '%1' is not supported by this version of Postern "
                                                   "(use Basic, Application Basic or Application Token)").arg(*scheme));
                else
                    addError(where, QStringLiteral("unknown http-challenge-scheme '%1' (use Basic, Application Basic or Application Token)")
                                        .arg(*scheme));
            } else if (name == u"http-header" || name == u"http-query-parameter" || name == u"http-cookie") {
                const auto text = readText();
                if (!text)
                    continue;
                if (!ValueParser::isHttpToken(*text)) {
                    addError(where, QStringLiteral("<%1> '%2' is not a valid name").arg(name, *text));
                    continue;
                }
                QStringList &names = name == u"http-header" ? realm.tokenHeaders
                    : name == u"http-query-parameter"         ? realm.tokenQueryParameters
                                                              : realm.tokenCookies;
                if (name == u"http-header" && (text->compare(u"Authorization", Qt::CaseInsensitive) == 0
                                               || text->compare(u"Cookie", Qt::CaseInsensitive) == 0))
                    addError(where, QStringLiteral("<http-header> '%1' is read already; name the header that carries a bare token").arg(*text));
                else if (names.contains(*text, name == u"http-header" ? Qt::CaseInsensitive : Qt::CaseSensitive))
                    addError(where, QStringLiteral("<%1> '%2' is named twice").arg(name, *text));
                else
                    names.append(*text);
            } else if (name == u"session-timeout") {
                if (const auto text = readText()) {
                    const auto timeout = ValueParser::parseDuration(*text);
                    if (!timeout || timeout->count() == 0)
                        addError(where, QStringLiteral("session-timeout: '%1' is not a duration greater than zero").arg(*text));
                    else
                        realm.sessionTimeout = *timeout;
                }
            } else if (name == u"login-throttle") {
                forEachTextChild([&](const QString &setting, SourceLocation settingWhere, const QString &text) {
                    if (setting == u"maximum-failures") {
                        bool ok = false;
                        const int failures = text.toInt(&ok);
                        if (!ok || failures < 1 || failures > 1000)
                            addError(settingWhere, QStringLiteral("maximum-failures: '%1' is not a number from 1 to 1000").arg(text));
                        else
                            realm.maximumFailures = failures;
                    } else if (setting == u"window") {
                        const auto window = ValueParser::parseDuration(text);
                        if (!window || window->count() == 0)
                            addError(settingWhere, QStringLiteral("window: '%1' is not a duration greater than zero").arg(text));
                        else
                            realm.failureWindow = *window;
                    } else {
                        addError(settingWhere, QStringLiteral("unknown element <%1> in <login-throttle>").arg(setting));
                    }
                });
            } else if (name == u"login-modules") {
                while (m_reader.readNextStartElement()) {
                    if (!checkNamespace())
                        continue;
                    if (elementName() == u"login-module")
                        parseLoginModule(realm);
                    else
                        unknownElement(QStringLiteral("login-modules"));
                }
            } else if (name == u"authorization-mode") {
                const auto mode = readText();
                if (!mode)
                    continue;
                if (*mode == u"recycle") {
                    realm.sessionCookie.enabled = true;
                    if (!sessionCookieSeen)
                        realm.sessionCookie.where = where;
                } else if (*mode == u"validate") {
                    addError(where, QStringLiteral("authorization-mode 'validate' is not supported by this version of Postern "
                                                   "(use challenge or recycle)"));
                } else if (*mode != u"challenge") {
                    addError(where, QStringLiteral("unknown authorization-mode '%1' (use challenge or recycle)").arg(*mode));
                }
            } else if (name == u"session-cookie") {
                if (sessionCookieSeen)
                    addError(where, QStringLiteral("<session-cookie> may appear only once in <authentication>"));
                sessionCookieSeen = true;
                realm.sessionCookie.where = where;
                parseSessionCookie(realm.sessionCookie);
            } else if (name == u"authorization-timeout") {
                addError(where, QStringLiteral("<%1> is not supported by this version of Postern").arg(name));
                m_reader.skipCurrentElement();
            } else {
                unknownElement(QStringLiteral("authentication"));
            }
        }
        if (sessionCookieSeen && !realm.sessionCookie.enabled)
            addError(realm.sessionCookie.where, QStringLiteral("<session-cookie> takes effect only with "
                                                               "<authorization-mode>recycle</authorization-mode>"));
    }

    void parseSessionCookie(SessionCookieConfig &cookie)
    {
        forEachTextChild([&](const QString &setting, SourceLocation where, const QString &text) {
            if (setting == u"name") {
                if (!ValueParser::isHttpToken(text))
                    addError(where, QStringLiteral("session cookie name '%1' is not a valid cookie name").arg(text));
                else
                    cookie.name = text;
            } else if (setting == u"maximum-age") {
                const auto age = ValueParser::parseDuration(text);
                if (!age || *age < std::chrono::seconds(1) || *age > std::chrono::days(7))
                    addError(where, QStringLiteral("maximum-age: '%1' is not a duration from 1 s to 7 days").arg(text));
                else
                    cookie.maximumAge = *age;
            } else if (setting == u"same-site") {
                if (text != u"Strict" && text != u"Lax" && text != u"None")
                    addError(where, QStringLiteral("same-site: '%1' is not Strict, Lax or None").arg(text));
                else
                    cookie.sameSite = text;
            } else if (setting == u"key-file") {
                cookie.keyFile = resolvePath(text);
                if (!QFileInfo(cookie.keyFile).isFile())
                    addError(where, QStringLiteral("key file '%1' does not exist").arg(cookie.keyFile));
            } else {
                addError(where, QStringLiteral("unknown element <%1> in <session-cookie> (use name, maximum-age, "
                                               "same-site or key-file)").arg(setting));
            }
        });
    }

    void parseLoginModule(RealmConfig &realm)
    {
        LoginModuleConfig module;
        module.where = here();
        module.success = QStringLiteral("required");
        struct Option
        {
            QString name;
            SourceLocation where;
            QString value;
        };
        QList<Option> options;
        while (m_reader.readNextStartElement()) {
            if (!checkNamespace())
                continue;
            const QString name = elementName();
            const SourceLocation where = here();
            if (name == u"type") {
                if (const auto text = readText())
                    module.type = *text;
            } else if (name == u"success") {
                if (const auto text = readText()) {
                    module.success = *text;
                    static const QStringList flags = {QStringLiteral("required"), QStringLiteral("requisite"),
                                                      QStringLiteral("sufficient"), QStringLiteral("optional")};
                    if (!flags.contains(*text))
                        addError(where, QStringLiteral("success '%1' must be required, requisite, sufficient or optional").arg(*text));
                }
            } else if (name == u"options") {
                forEachTextChild([&](const QString &option, SourceLocation optionWhere, const QString &value) {
                    options.append({option, optionWhere, value});
                });
            } else {
                unknownElement(QStringLiteral("login-module"));
            }
        }
        // The options each type takes; the first name listed is required.
        static const QMap<QString, QStringList> known = {
            {QStringLiteral("file"), {QStringLiteral("file")}},
            {QStringLiteral("token"), {QStringLiteral("algorithm"), QStringLiteral("key-file"), QStringLiteral("key-alias"),
                                       QStringLiteral("issuer"), QStringLiteral("audience"), QStringLiteral("roles-claim"),
                                       QStringLiteral("clock-skew")}},
            {QStringLiteral("client-certificate"), {QStringLiteral("user-name"), QStringLiteral("role-name")}},
        };
        if (!known.contains(module.type)) {
            addError(module.where, module.type.isEmpty()
                                       ? QStringLiteral("<login-module> needs a <type>")
                                       : QStringLiteral("login module type '%1' is not supported by this version of Postern "
                                                        "(use file, token or client-certificate)").arg(module.type));
            return;
        }
        const QStringList allowed = known.value(module.type);
        for (const Option &option : std::as_const(options)) {
            if (!allowed.contains(option.name)) {
                addError(option.where, QStringLiteral("login module option '%1' is not one the %2 module takes (%3)")
                                           .arg(option.name, module.type, allowed.join(u", ")));
                continue;
            }
            if (option.name == u"role-name") {
                module.roleNames.append(option.value);
                continue;
            }
            if (module.options.contains(option.name)) {
                addError(option.where, QStringLiteral("login module option '%1' is given twice").arg(option.name));
                continue;
            }
            QString value = option.value;
            if (option.name == u"file" || option.name == u"key-file") {
                value = resolvePath(value);
                if (!QFileInfo(value).isFile())
                    addError(option.where, QStringLiteral("%1 '%2' does not exist")
                                               .arg(option.name == u"file" ? u"users file" : u"key file", value));
            } else if (option.name == u"algorithm" && value != u"HS256" && value != u"RS256" && value != u"ES256") {
                addError(option.where, QStringLiteral("algorithm '%1' is not HS256, RS256 or ES256").arg(value));
            } else if (option.name == u"clock-skew") {
                const auto skew = ValueParser::parseDuration(value);
                if (!skew || *skew > std::chrono::minutes(10))
                    addError(option.where, QStringLiteral("clock-skew: '%1' is not a duration of at most 10 minutes").arg(value));
            } else if (option.name == u"user-name" && value != u"common-name" && value != u"subject") {
                addError(option.where, QStringLiteral("user-name '%1' is not common-name or subject").arg(value));
            }
            module.options.insert(option.name, value);
        }
        if (module.type == u"file" && !module.options.contains(QStringLiteral("file")))
            addError(module.where, QStringLiteral("the file login module needs <options><file>users.xml</file></options>"));
        if (module.type == u"token") {
            if (!module.options.contains(QStringLiteral("algorithm")))
                addError(module.where, QStringLiteral("the token login module needs <options><algorithm> (HS256, RS256 or ES256)"));
            if (module.options.contains(QStringLiteral("key-file")) == module.options.contains(QStringLiteral("key-alias")))
                addError(module.where, QStringLiteral("the token login module needs exactly one of <key-file> and <key-alias> in <options>"));
            if (module.options.value(QStringLiteral("algorithm")) == u"HS256" && module.options.contains(QStringLiteral("key-alias")))
                addError(module.where, QStringLiteral("HS256 needs its shared secret in a <key-file>; <key-alias> names a certificate"));
        }
        realm.loginModules.append(module);
    }

    void parseServiceDefaults()
    {
        bool sawOptions = false;
        bool sawConnectOptions = false;
        while (m_reader.readNextStartElement()) {
            if (!checkNamespace())
                continue;
            const QString name = elementName();
            if (name == u"accept-options") {
                if (sawOptions)
                    addError(here(), QStringLiteral("<accept-options> may appear only once in <service-defaults>"));
                sawOptions = true;
                parseOptions(m_defaultAcceptOptions, name);
            }
            else if (name == u"mime-mapping")
                parseMimeMapping(m_defaultMimeMappings);
            else if (name == u"connect-options") {
                if (sawConnectOptions)
                    addError(here(), QStringLiteral("<connect-options> may appear only once in <service-defaults>"));
                sawConnectOptions = true;
                parseOptions(m_defaultConnectOptions, name);
            } else
                unknownElement(QStringLiteral("service-defaults"));
        }
    }

    void parseService()
    {
        RawService raw;
        raw.config.where = here();
        raw.config.acceptOptions.where = raw.config.where;
        // enabled="false" (a Postern addition): checked like the others, but not started.
        if (const auto enabled = m_reader.attributes().value(QLatin1StringView("enabled")); !enabled.isNull()) {
            if (enabled == u"false")
                raw.config.enabled = false;
            else if (enabled != u"true")
                addError(here(), QStringLiteral("enabled=\"%1\" must be true or false").arg(enabled.toString()));
        }
        QSet<QString> singles;
        while (m_reader.readNextStartElement()) {
            if (!checkNamespace())
                continue;
            const QString name = elementName();
            const SourceLocation where = here();
            if (name == u"name" || name == u"description" || name == u"type") {
                if (singles.contains(name))
                    addError(where, QStringLiteral("<%1> may appear only once in a service").arg(name));
                singles.insert(name);
                const auto text = readText();
                if (!text)
                    continue;
                if (name == u"name") {
                    raw.config.name = *text;
                    raw.sawName = true;
                } else if (name == u"type") {
                    raw.config.type = *text;
                    raw.sawType = true;
                }
                else
                    raw.config.description = *text;
            } else if (name == u"accept") {
                if (const auto text = readText()) {
                    raw.config.accepts.append(QUrl(*text, QUrl::StrictMode));
                    raw.config.acceptLocations.append(where);
                }
            } else if (name == u"connect") {
                if (const auto text = readText())
                    raw.connects.append({*text, where});
            } else if (name == u"properties") {
                parseServiceProperties(raw);
            } else if (name == u"accept-options") {
                if (raw.hasAcceptOptions)
                    addError(where, QStringLiteral("<accept-options> may appear only once in a service"));
                raw.hasAcceptOptions = true;
                raw.config.acceptOptions.where = where;
                parseOptions(raw.acceptOptions, name);
            } else if (name == u"connect-options") {
                if (raw.hasConnectOptions)
                    addError(where, QStringLiteral("<connect-options> may appear only once in a service"));
                raw.hasConnectOptions = true;
                raw.config.connectOptions.where = where;
                parseOptions(raw.connectOptions, name);
            } else if (name == u"realm-name") {
                if (singles.contains(name))
                    addError(where, QStringLiteral("<realm-name> may appear only once in a service"));
                singles.insert(name);
                if (const auto text = readText()) {
                    raw.config.realmName = *text;
                    raw.realmWhere = where;
                }
            } else if (name == u"authorization-constraint") {
                parseAuthorizationConstraint(raw.config);
            } else if (name == u"cross-site-constraint") {
                parseCrossSiteConstraint(raw.config.crossSiteConstraints);
            } else if (name == u"mime-mapping") {
                raw.mimeMappingWhere = where;
                raw.hasMimeMapping = true;
                parseMimeMapping(raw.config.mimeMappings);
            } else if (kUnsupportedServiceElements.contains(name)) {
                addError(where, QStringLiteral("<%1> is not supported by this version of Postern").arg(name));
                m_reader.skipCurrentElement();
            } else {
                unknownElement(QStringLiteral("service"));
            }
        }
        m_services.append(raw);
    }

    void parseServiceProperties(RawService &raw)
    {
        forEachTextChild([&](const QString &name, SourceLocation where, const QString &value) {
            if (raw.config.properties.contains(name))
                addError(where, QStringLiteral("property '%1' appears twice").arg(name));
            raw.config.properties.insert(name, value);
            raw.propertyLocations.insert(name, where);
        });
    }

    void parseSecurity()
    {
        while (m_reader.readNextStartElement()) {
            if (!checkNamespace())
                continue;
            const QString name = elementName();
            if (name == u"keystore") {
                if (m_config.keystore)
                    addError(here(), QStringLiteral("<keystore> may appear only once"));
                m_config.keystore = parseStore(QStringLiteral("keystore"));
            } else if (name == u"truststore") {
                if (m_config.truststore)
                    addError(here(), QStringLiteral("<truststore> may appear only once"));
                m_config.truststore = parseStore(QStringLiteral("truststore"));
            } else if (name == u"realm") {
                parseRealm();
            } else {
                unknownElement(QStringLiteral("security"));
            }
        }
    }

    void parseCluster()
    {
        ClusterConfig cluster;
        cluster.where = here();
        SourceLocation connectWhere = cluster.where, passwordWhere = cluster.where;
        bool sawName = false;
        QString connect;
        forEachTextChild([&](const QString &name, SourceLocation where, const QString &text) {
            if (name == u"name") {
                sawName = true;
                static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
                if (!valid.match(text).hasMatch())
                    addError(where, QStringLiteral("cluster name '%1' must be 1 to 64 letters, digits, '.', '_' or '-'")
                                        .arg(text));
                cluster.nodeName = text;
            } else if (name == u"connect") {
                connect = text;
                connectWhere = where;
            } else if (name == u"password-file") {
                cluster.passwordFile = resolvePath(text);
                passwordWhere = where;
            } else if (name == u"user") {
                cluster.user = text;
            } else if (name == u"accept") {
                addError(where, QStringLiteral("<cluster><accept> is KAAZING's member address; Postern's nodes meet "
                                               "through Redis: name it with <connect>redis://host:port</connect>"));
            } else {
                addError(where, QStringLiteral("unknown element <%1> in <cluster>").arg(name));
            }
        });
        if (!sawName)
            addError(cluster.where, QStringLiteral("<cluster> needs a <name> for this node"));
        if (connect.isEmpty()) {
            addError(cluster.where, QStringLiteral("<cluster> needs a <connect> naming the Redis server (redis://host:port)"));
        } else {
            QUrl url(connect, QUrl::StrictMode);
            const QString scheme = url.scheme().toLower();
            if (!url.isValid() || (scheme != u"redis" && scheme != u"rediss") || url.host().isEmpty())
                addError(connectWhere, QStringLiteral("cluster connect '%1' is not redis://host:port or rediss://host:port")
                                           .arg(connect));
            else if (!url.userInfo().isEmpty())
                addError(connectWhere, QStringLiteral("cluster connect '%1': put the password in <password-file>, not in "
                                                      "the URL").arg(connect));
            else if ((!url.path().isEmpty() && url.path() != u"/") || url.hasQuery() || url.hasFragment())
                addError(connectWhere, QStringLiteral("cluster connect '%1' has no path or query").arg(connect));
            else if (url.port(6379) <= 0 || url.port(6379) > 65535)
                addError(connectWhere, QStringLiteral("cluster connect '%1': port must be between 1 and 65535").arg(connect));
            else {
                url.setScheme(scheme);
                url.setHost(url.host().toLower());
                url.setPort(url.port(6379));
                url.setPath(QString());
                cluster.redis = url;
                if (scheme == u"rediss" && m_tlsConnectAt.line == 0)
                    m_tlsConnectAt = connectWhere;
            }
        }
        if (!cluster.passwordFile.isEmpty() && !QFileInfo(cluster.passwordFile).isFile())
            addError(passwordWhere, QStringLiteral("cluster password file '%1' does not exist").arg(cluster.passwordFile));
        if (!cluster.user.isEmpty() && cluster.passwordFile.isEmpty())
            addError(cluster.where, QStringLiteral("<cluster><user> needs a <password-file>"));
        m_config.cluster = cluster;
    }

    KeystoreConfig parseStore(const QString &kind)
    {
        KeystoreConfig keystore;
        keystore.where = here();
        SourceLocation fileWhere = keystore.where, passwordWhere = keystore.where;
        forEachTextChild([&](const QString &name, SourceLocation where, const QString &text) {
            if (name == u"type") {
                if (text.compare(u"PKCS12", Qt::CaseInsensitive) != 0)
                    addError(where, QStringLiteral("%1 type '%2' is not supported; use PKCS12").arg(kind, text));
            } else if (name == u"file") {
                keystore.file = resolvePath(text);
                fileWhere = where;
            } else if (name == u"password-file") {
                keystore.passwordFile = resolvePath(text);
                passwordWhere = where;
            } else {
                addError(where, QStringLiteral("unknown element <%1> in <%2>").arg(name, kind));
            }
        });
        if (keystore.file.isEmpty())
            addError(keystore.where, QStringLiteral("<%1> needs a <file>").arg(kind));
        else if (!QFileInfo(keystore.file).isFile())
            addError(fileWhere, QStringLiteral("%1 file '%2' does not exist").arg(kind, keystore.file));
        if (keystore.passwordFile.isEmpty())
            addError(keystore.where, QStringLiteral("<%1> needs a <password-file>").arg(kind));
        else if (!QFileInfo(keystore.passwordFile).isFile())
            addError(passwordWhere, QStringLiteral("%1 password file '%2' does not exist")
                                        .arg(kind, keystore.passwordFile));
        return keystore;
    }

    QString resolvePath(const QString &path) const
    {
        return QDir::cleanPath(m_baseDir.absoluteFilePath(path));
    }

    // ---- validation once the whole document is read ----

    void readDuration(std::chrono::milliseconds &target, const RawOption &option, bool allowZero)
    {
        const auto value = ValueParser::parseDuration(option.value);
        if (!value || (!allowZero && value->count() == 0)) {
            addError(option.where, QStringLiteral("%1: '%2' is not a valid duration (e.g. 30, 30s, 500ms, 3 min)%3")
                                       .arg(option.name, option.value,
                                            allowZero ? QString() : QStringLiteral(" greater than zero")));
            return;
        }
        target = *value;
    }

    void readSize(qint64 &target, const RawOption &option, qint64 minimum)
    {
        const auto value = ValueParser::parseSize(option.value);
        if (!value || *value < minimum) {
            addError(option.where, QStringLiteral("%1: '%2' is not a valid size of at least %3 bytes (e.g. 128k, 1m)")
                                       .arg(option.name, option.value).arg(minimum));
            return;
        }
        target = *value;
    }

    void readCount(qint64 &target, const RawOption &option, qint64 minimum)
    {
        constexpr qint64 kMaximum = 1'000'000'000;
        bool ok = false;
        const qint64 value = option.value.trimmed().toLongLong(&ok);
        if (!ok || value < minimum || value > kMaximum) {
            addError(option.where, QStringLiteral("%1: '%2' is not a whole number from %3 to %4")
                                       .arg(option.name, option.value).arg(minimum).arg(kMaximum));
            return;
        }
        target = value;
    }

    void readCipherString(QString &target, const RawOption &option)
    {
        if (option.value.isEmpty() || option.value.contains(u' '))
            addError(option.where, QStringLiteral("%1: '%2' is not an OpenSSL cipher string (colon-separated, "
                                                  "no spaces, e.g. ECDHE+AESGCM:ECDHE+CHACHA20)")
                                       .arg(option.name, option.value));
        else
            target = option.value; // resolved and checked for weak ciphers by the gateway
    }

    void applyConnectOption(ConnectOptions &options, const RawOption &option)
    {
        if (option.name == u"ws.inactivity.timeout")
            readDuration(options.inactivityTimeout, option, true);
        else if (option.name == u"ws.maximum.message.size")
            readSize(options.maximumMessageSize, option, 1);
        else if (option.name == u"connect.timeout")
            readDuration(options.connectTimeout, option, false);
        else if (option.name == u"ssl.protocols" || option.name == u"tls.protocols")
            sslProtocols(options.sslProtocols, option);
        else if (option.name == u"ssl.ciphers" || option.name == u"tls.ciphers")
            readCipherString(options.sslCiphers, option);
        else
            addError(option.where, QStringLiteral("connect option '%1' is unknown or not supported by this version of Postern "
                                                  "(use ssl.protocols, ssl.ciphers, ws.inactivity.timeout, "
                                                  "ws.maximum.message.size or connect.timeout)")
                                       .arg(option.name));
    }

    void applyOption(AcceptOptions &options, const RawOption &option)
    {
        const auto duration = [&](std::chrono::milliseconds &target, bool allowZero) { readDuration(target, option, allowZero); };
        const auto size = [&](qint64 &target, qint64 minimum) { readSize(target, option, minimum); };
        if (option.name == u"ws.maximum.message.size")
            size(options.maximumMessageSize, 1);
        else if (option.name == u"ws.inactivity.timeout")
            duration(options.inactivityTimeout, true);
        else if (option.name == u"http.keepalive.timeout")
            duration(options.keepaliveTimeout, true);
        else if (option.name == u"http.request.head.timeout")
            duration(options.requestHeadTimeout, false);
        else if (option.name == u"http.request.head.maximum.size")
            size(options.requestHeadMaximumSize, 256);
        else if (option.name == u"http.write.timeout")
            duration(options.writeTimeout, false);
        else if (option.name == u"tcp.maximum.connections")
            readCount(options.maximumConnections, option, 1);
        else if (option.name == u"tcp.maximum.connections.per.address")
            readCount(options.maximumConnectionsPerAddress, option, 1);
        else if (option.name == u"ws.maximum.sessions")
            readCount(options.maximumSessions, option, 0);
        else if (option.name == u"ssl.protocols" || option.name == u"tls.protocols")
            sslProtocols(options.sslProtocols, option);
        else if (option.name == u"ssl.ciphers" || option.name == u"tls.ciphers")
            readCipherString(options.sslCiphers, option);
        else if (option.name == u"ssl.verify-client" || option.name == u"tls.verify-client") {
            if (option.value == u"none")
                options.sslVerifyClient = AcceptOptions::VerifyClient::None;
            else if (option.value == u"optional")
                options.sslVerifyClient = AcceptOptions::VerifyClient::Optional;
            else if (option.value == u"required")
                options.sslVerifyClient = AcceptOptions::VerifyClient::Required;
            else
                addError(option.where, QStringLiteral("%1: '%2' must be none, optional or required").arg(option.name, option.value));
            if (options.sslVerifyClient != AcceptOptions::VerifyClient::None)
                m_verifyClientAt = option.where;
        } else if (option.name == u"ssl.encryption" || option.name == u"tls.encryption") {
            if (option.value == u"enabled" || option.value == u"disabled")
                options.sslEncryption = option.value == u"enabled";
            else
                addError(option.where, QStringLiteral("%1: '%2' must be 'enabled' or 'disabled'").arg(option.name, option.value));
        }
        else
            addError(option.where, QStringLiteral("accept option '%1' is unknown or not supported by this version of Postern")
                                       .arg(option.name));
    }

    void sslProtocols(QStringList &target, const RawOption &option)
    {
        static const QStringList unsafe = {QStringLiteral("sslv2hello"), QStringLiteral("sslv2"), QStringLiteral("sslv3"),
                                           QStringLiteral("tlsv1"), QStringLiteral("tlsv1.0"), QStringLiteral("tlsv1.1")};
        QStringList protocols;
        for (const QString &part : option.value.split(u',', Qt::SkipEmptyParts)) {
            const QString name = part.trimmed().toLower();
            if (name == u"tlsv1.2" || name == u"tlsv1.3") {
                protocols << (name == u"tlsv1.2" ? QStringLiteral("TLSv1.2") : QStringLiteral("TLSv1.3"));
            } else if (unsafe.contains(name)) {
                addError(option.where, QStringLiteral("%1: %2 is not safe and is not offered; use TLSv1.2 and/or TLSv1.3")
                                           .arg(option.name, part.trimmed()));
                return;
            } else {
                addError(option.where, QStringLiteral("%1: unknown protocol '%2' (use TLSv1.2 and/or TLSv1.3)")
                                           .arg(option.name, part.trimmed()));
                return;
            }
        }
        if (protocols.isEmpty()) {
            addError(option.where, QStringLiteral("%1 names no protocol").arg(option.name));
            return;
        }
        protocols.removeDuplicates();
        std::sort(protocols.begin(), protocols.end());
        target = protocols;
    }

    bool validateAccept(const RawService &raw, int index, QUrl &url)
    {
        const SourceLocation where = raw.config.acceptLocations.at(index);
        const QString text = url.toString();
        if (!url.isValid() || url.scheme().isEmpty() || url.host().isEmpty()) {
            addError(where, QStringLiteral("accept '%1' is not a valid URL with a scheme and a host").arg(text));
            return false;
        }
        const QString scheme = url.scheme().toLower();
        if (!QStringList{QStringLiteral("ws"), QStringLiteral("wss"), QStringLiteral("http"), QStringLiteral("https")}
                 .contains(scheme)) {
            addError(where, QStringLiteral("accept '%1': scheme '%2' is not supported (use ws, wss, http or https)")
                                .arg(text, scheme));
            return false;
        }
        if (!url.userInfo().isEmpty() || url.hasQuery() || url.hasFragment()) {
            addError(where, QStringLiteral("accept '%1' must not carry user information, a query or a fragment").arg(text));
            return false;
        }
        const bool secure = scheme == u"wss" || scheme == u"https";
        const int port = url.port(secure ? 443 : 80);
        if (port <= 0 || port > 65535) {
            addError(where, QStringLiteral("accept '%1': port must be between 1 and 65535").arg(text));
            return false;
        }
        url.setScheme(scheme);
        url.setHost(url.host().toLower());
        url.setPort(port);
        if (url.path().isEmpty())
            url.setPath(QStringLiteral("/"));
        const bool webSocket = scheme.startsWith(u"ws");
        if ((raw.config.type == u"echo" || raw.config.type == u"proxy" || raw.config.type == u"broadcast"
             || raw.config.type == u"management") && !webSocket) {
            addError(where, QStringLiteral("accept '%1': %2 %3 service accepts ws:// or wss:// only")
                                .arg(text, raw.config.type == u"echo" ? u"an" : u"a", raw.config.type));
            return false;
        }
        if ((raw.config.type == u"directory" || raw.config.type == u"login") && webSocket) {
            addError(where, QStringLiteral("accept '%1': a %2 service accepts http:// or https:// only").arg(text, raw.config.type));
            return false;
        }
        return true;
    }

    void validateProxyProperties(RawService &raw)
    {
        ServiceConfig &service = raw.config;
        const auto where = [&](const QString &name) { return raw.propertyLocations.value(name); };
        if (service.properties.contains(QStringLiteral("connect.strategy"))) {
            const QString strategy = service.properties.value(QStringLiteral("connect.strategy"));
            if (strategy == u"immediate")
                service.proxy.strategy = ProxyOptions::Strategy::Immediate;
            else if (strategy == u"deferred")
                service.proxy.strategy = ProxyOptions::Strategy::Deferred;
            else if (strategy == u"prepared")
                service.proxy.strategy = ProxyOptions::Strategy::Prepared;
            else
                addError(where(QStringLiteral("connect.strategy")),
                         QStringLiteral("connect.strategy '%1' is not immediate, deferred or prepared").arg(strategy));
        }
        if (service.properties.contains(QStringLiteral("maximum.pending.bytes"))) {
            const QString text = service.properties.value(QStringLiteral("maximum.pending.bytes"));
            const auto size = ValueParser::parseSize(text);
            if (!size || *size < 4096 || *size > 64 * 1024 * 1024)
                addError(where(QStringLiteral("maximum.pending.bytes")),
                         QStringLiteral("maximum.pending.bytes: '%1' is not a size from 4k to 64m").arg(text));
            else
                service.proxy.maximumPendingBytes = *size;
        }
        if (service.properties.contains(QStringLiteral("prepared.connection.count"))) {
            const QString text = service.properties.value(QStringLiteral("prepared.connection.count"));
            bool ok = false;
            const int count = text.toInt(&ok);
            if (!ok || count < 1 || count > 1000)
                addError(where(QStringLiteral("prepared.connection.count")),
                         QStringLiteral("prepared.connection.count: '%1' is not a number from 1 to 1000").arg(text));
            else if (service.proxy.strategy != ProxyOptions::Strategy::Prepared)
                addError(where(QStringLiteral("prepared.connection.count")),
                         QStringLiteral("prepared.connection.count needs connect.strategy prepared"));
            else
                service.proxy.preparedConnectionCount = count;
        }
    }

    // One of `choices` (property value -> what it means), when the property is set.
    template<typename T>
    void readChoice(RawService &raw, const QString &name, const QList<QPair<QString, T>> &choices, T &target)
    {
        if (!raw.config.properties.contains(name))
            return;
        const QString text = raw.config.properties.value(name);
        QStringList names;
        for (const auto &choice : choices) {
            if (choice.first == text) {
                target = choice.second;
                return;
            }
            names.append(choice.first);
        }
        addError(raw.propertyLocations.value(name),
                 QStringLiteral("%1: '%2' is not %3").arg(name, text, names.join(QStringLiteral(" or "))));
    }

    // A size property from `minimum` to `maximum` bytes, when it is set.
    void readSize(RawService &raw, const QString &name, qint64 minimum, qint64 maximum, qint64 &target)
    {
        if (!raw.config.properties.contains(name))
            return;
        const QString text = raw.config.properties.value(name);
        const auto size = ValueParser::parseSize(text);
        if (!size || *size < minimum || *size > maximum)
            addError(raw.propertyLocations.value(name), QStringLiteral("%1: '%2' is not a size from %3 to %4")
                                                            .arg(name, text, formatSize(minimum), formatSize(maximum)));
        else
            target = *size;
    }

    static QString formatSize(qint64 bytes)
    {
        if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
            return QString::number(bytes / (1024 * 1024)) + u'm';
        if (bytes >= 1024 && bytes % 1024 == 0)
            return QString::number(bytes / 1024) + u'k';
        return QString::number(bytes);
    }

    // A broadcast's source (<connect>, or the property accept where sources connect in) and
    // its other properties.
    void validateBroadcast(RawService &raw)
    {
        ServiceConfig &service = raw.config;
        BroadcastOptions &options = service.broadcast;
        const auto where = [&](const QString &name) { return raw.propertyLocations.value(name); };
        const bool accepts = service.properties.contains(QStringLiteral("accept"));
        if (accepts && !raw.connects.isEmpty())
            addError(where(QStringLiteral("accept")),
                     QStringLiteral("broadcast service '%1' has both <connect> (the gateway connects to its source) and "
                                    "the property accept (sources connect to the gateway); keep one").arg(service.name));
        else if (!accepts && raw.connects.isEmpty())
            addError(service.where, QStringLiteral("broadcast service '%1' needs a <connect> naming its source, or the "
                                                   "property accept (tcp://host:port) where sources connect in").arg(service.name));
        if (accepts) {
            const QString text = service.properties.value(QStringLiteral("accept"));
            QUrl url(text, QUrl::StrictMode);
            const QHostAddress address(url.host());
            if (!url.isValid() || url.scheme().toLower() != u"tcp" || url.host().isEmpty() || url.port() <= 0
                || (!url.path().isEmpty() && url.path() != u"/") || url.hasQuery() || !url.userInfo().isEmpty()) {
                addError(where(QStringLiteral("accept")),
                         QStringLiteral("accept '%1': a broadcast's sources connect to tcp://address:port").arg(text));
            } else if (address.isNull() && url.host().toLower() != u"localhost") {
                addError(where(QStringLiteral("accept")),
                         QStringLiteral("accept '%1': name an address of this machine (127.0.0.1, ::1, 0.0.0.0) or "
                                        "localhost").arg(text));
            } else {
                url.setScheme(QStringLiteral("tcp"));
                url.setHost(url.host().toLower());
                url.setPath(QString());
                options.sourceAccept = url;
            }
        }
        using Messages = BroadcastOptions::ClientMessages;
        readChoice<Messages>(raw, QStringLiteral("on.client.message"),
                             {{QStringLiteral("noop"), Messages::Ignore}, {QStringLiteral("broadcast"), Messages::Broadcast}},
                             options.clientMessages);
        // KAAZING's reconnect.delay is in milliseconds: a bare number here is too.
        const auto readDelay = [&](const QString &name, std::chrono::milliseconds &target) {
            if (!service.properties.contains(name))
                return;
            const QString text = service.properties.value(name).trimmed();
            bool bare = false;
            const qint64 milliseconds = text.toLongLong(&bare);
            const auto delay = bare ? std::optional(std::chrono::milliseconds(milliseconds)) : ValueParser::parseDuration(text);
            if (!delay || delay->count() < 1 || delay->count() > 24 * 3600 * 1000)
                addError(where(name), QStringLiteral("%1: '%2' is not a duration from 1ms to 24h (a bare number is "
                                                     "milliseconds)").arg(name, text));
            else
                target = *delay;
        };
        readDelay(QStringLiteral("reconnect.delay"), options.reconnectDelay);
        readDelay(QStringLiteral("reconnect.maximum.delay"), options.reconnectMaximumDelay);
        if (options.reconnectMaximumDelay < options.reconnectDelay)
            addError(where(QStringLiteral("reconnect.maximum.delay")).line ? where(QStringLiteral("reconnect.maximum.delay"))
                                                                           : where(QStringLiteral("reconnect.delay")),
                     QStringLiteral("reconnect.maximum.delay (%1) is shorter than reconnect.delay (%2)")
                         .arg(ValueParser::formatDuration(options.reconnectMaximumDelay),
                              ValueParser::formatDuration(options.reconnectDelay)));
        using Framing = BroadcastOptions::Framing;
        readChoice<Framing>(raw, QStringLiteral("source.framing"),
                            {{QStringLiteral("read"), Framing::Read}, {QStringLiteral("newline"), Framing::Newline}},
                            options.framing);
        if (service.properties.contains(QStringLiteral("source.framing")) && !raw.connects.isEmpty()) {
            const QString scheme = QUrl(raw.connects.first().first).scheme().toLower();
            if (scheme == u"ws" || scheme == u"wss")
                addError(where(QStringLiteral("source.framing")),
                         QStringLiteral("source.framing applies to tcp:// and ssl:// sources; a %1:// source's "
                                        "messages are delivered as they came").arg(scheme));
        }
        readSize(raw, QStringLiteral("source.maximum.message.size"), 1, 64 * 1024 * 1024, options.maximumSourceMessageSize);
        readSize(raw, QStringLiteral("maximum.pending.bytes"), 4 * 1024, 64 * 1024 * 1024, options.maximumPendingBytes);
        using Slow = BroadcastOptions::SlowConsumer;
        readChoice<Slow>(raw, QStringLiteral("slow.consumer"),
                         {{QStringLiteral("disconnect"), Slow::Disconnect}, {QStringLiteral("drop-oldest"), Slow::DropOldest}},
                         options.slowConsumer);
        readChoice<bool>(raw, QStringLiteral("on.source.lost"),
                         {{QStringLiteral("noop"), false}, {QStringLiteral("close"), true}}, options.closeClientsOnSourceLoss);
    }

    // A true/false property of `raw` into `target`, when it is set.
    void readFlag(RawService &raw, const QString &name, bool &target)
    {
        const ServiceConfig &service = raw.config;
        if (!service.properties.contains(name))
            return;
        const QString text = service.properties.value(name);
        if (text == u"true" || text == u"enabled")
            target = true;
        else if (text == u"false" || text == u"disabled")
            target = false;
        else
            addError(raw.propertyLocations.value(name), QStringLiteral("%1: '%2' must be true or false").arg(name, text));
    }

    // A management service fails closed: it needs a realm; its properties are read; ws:// away
    // from loopback needs allow.unencrypted; the read-only role is admitted by the front door.
    // A login service exchanges credentials for its realm's single sign-on cookie: without
    // the cookie it would have nothing to give; and, like management, it takes passwords, so
    // plain http:// away from loopback needs allow.unencrypted.
    void validateLogin(RawService &raw)
    {
        const ServiceConfig &service = raw.config;
        bool allowUnencrypted = false;
        readFlag(raw, QStringLiteral("allow.unencrypted"), allowUnencrypted);
        for (qsizetype i = 0; i < service.accepts.size(); ++i) {
            const QUrl &url = service.accepts[i];
            if (url.scheme().toLower() == u"http" && !isLoopbackHost(url) && !allowUnencrypted)
                addError(service.acceptLocations.value(i),
                         QStringLiteral("accept '%1': a login over plain http:// away from loopback sends passwords and "
                                        "the single sign-on cookie in the clear; use https://, or set allow.unencrypted "
                                        "to true").arg(url.toString()));
        }
        if (service.realmName.isEmpty()) {
            addError(service.where, QStringLiteral("login service '%1' needs a <realm-name>: the realm users log in to")
                                        .arg(service.name));
            return;
        }
        const RealmConfig *realm = m_config.realm(service.realmName);
        if (realm && !realm->sessionCookie.enabled)
            addError(raw.realmWhere, QStringLiteral("login service '%1': realm '%2' has no single sign-on cookie to give "
                                                    "(add <authorization-mode>recycle</authorization-mode> to it)")
                                         .arg(service.name, realm->name));
    }

    void validateManagement(RawService &raw)
    {
        ServiceConfig &service = raw.config;
        ManagementOptions &options = service.management;
        const auto where = [&](const QString &name) { return raw.propertyLocations.value(name); };
        readFlag(raw, QStringLiteral("allow.unencrypted"), options.allowUnencrypted);
        readFlag(raw, QStringLiteral("metrics"), options.metrics);
        options.auditLog = resolvePath(service.properties.value(QStringLiteral("audit.log"), QStringLiteral("audit.log")));
        options.readOnlyRole = service.properties.value(QStringLiteral("read-only.role")).trimmed();
        if (service.properties.contains(QStringLiteral("read-only.role")) && options.readOnlyRole.isEmpty())
            addError(where(QStringLiteral("read-only.role")), QStringLiteral("read-only.role needs a role name"));
        if (service.realmName.isEmpty())
            addError(service.where, QStringLiteral("management service '%1' needs a <realm-name>: it never runs without "
                                                   "logins").arg(service.name));
        if (!service.authorization)
            service.authorization = AuthorizationConstraint{{QStringLiteral("ADMINISTRATOR")}, false, service.where};
        if (service.authorization->requireRoles.contains(QStringLiteral("*")) || service.authorization->requireValidUser)
            addError(service.authorization->where, QStringLiteral("management service '%1' must name the roles that may "
                                                                  "use it (require-role, not * or require-valid-user)")
                                                       .arg(service.name));
        options.administratorRoles = service.authorization->requireRoles;
        if (!options.readOnlyRole.isEmpty() && !service.authorization->requireRoles.contains(options.readOnlyRole))
            service.authorization->requireRoles.append(options.readOnlyRole); // the front door lets readers in too
        if (service.accepts.isEmpty()) {
            service.accepts.append(QUrl(QStringLiteral("wss://localhost:9443/manage")));
            service.acceptLocations.append(service.where);
        }
        for (qsizetype i = 0; i < service.accepts.size(); ++i) {
            const QUrl &url = service.accepts[i];
            if (url.scheme().toLower() == u"ws" && !isLoopbackHost(url) && !options.allowUnencrypted)
                addError(service.acceptLocations.value(i),
                         QStringLiteral("accept '%1': management over plain ws:// away from loopback sends passwords "
                                        "in the clear; use wss://, or set allow.unencrypted to true").arg(url.toString()));
        }
    }

    // A proxy's single <connect>, normalised; false when it is not usable.
    bool validateConnect(RawService &raw)
    {
        ServiceConfig &service = raw.config;
        if (raw.connects.isEmpty()) {
            addError(service.where, QStringLiteral("proxy service '%1' needs a <connect> naming its back-end").arg(service.name));
            return false;
        }
        for (qsizetype i = 1; i < raw.connects.size(); ++i)
            addError(raw.connects[i].second, QStringLiteral("a %1 service takes one <connect>").arg(service.type));
        const QString text = raw.connects.first().first;
        QUrl url(text, QUrl::StrictMode);
        const SourceLocation where = raw.connects.first().second;
        const QString scheme = url.scheme().toLower();
        if (!url.isValid() || scheme.isEmpty() || url.host().isEmpty()) {
            addError(where, QStringLiteral("connect '%1' is not a valid URL with a scheme and a host").arg(text));
            return false;
        }
        if (!kConnectSchemes.contains(scheme)) {
            addError(where, QStringLiteral("connect '%1': scheme '%2' is not supported (use tcp, ssl, ws or wss)").arg(text, scheme));
            return false;
        }
        if (!url.userInfo().isEmpty() || url.hasFragment()) {
            addError(where, QStringLiteral("connect '%1' must not carry user information or a fragment").arg(text));
            return false;
        }
        // A host that looks like an IPv4 address must be one as written (QUrl would read
        // "1.2.3" as 1.2.0.3), and one that can be connected to.
        const QString host = url.host();
        const QString authority = text.section(QStringLiteral("://"), 1).section(u'/', 0, 0).section(u'@', -1);
        const QString written = authority.startsWith(u'[') ? authority.mid(1, authority.indexOf(u']') - 1)
                                                           : authority.section(u':', 0, 0);
        const bool numeric = !written.isEmpty() && std::all_of(written.cbegin(), written.cend(),
                                                               [](QChar c) { return c.isDigit() || c == u'.'; });
        const QHostAddress literal(host);
        if ((numeric && (written.count(u'.') != 3 || literal.isNull() || written != host))
            || (!literal.isNull() && (literal.isMulticast() || literal.isBroadcast()
                                      || literal == QHostAddress::AnyIPv4 || literal == QHostAddress::AnyIPv6))) {
            addError(where, QStringLiteral("connect '%1': '%2' is not an address a back-end can have").arg(text, numeric ? written : host));
            return false;
        }
        const bool webSocket = scheme == u"ws" || scheme == u"wss";
        if (!webSocket && ((!url.path().isEmpty() && url.path() != u"/") || url.hasQuery())) {
            addError(where, QStringLiteral("connect '%1': a %2 back-end has no path or query").arg(text, scheme));
            return false;
        }
        const int port = url.port(scheme == u"ws" ? 80 : scheme == u"wss" ? 443 : -1);
        if (port <= 0 || port > 65535) {
            addError(where, webSocket || url.port() != -1
                                ? QStringLiteral("connect '%1': port must be between 1 and 65535").arg(text)
                                : QStringLiteral("connect '%1' needs a port (%2://host:port)").arg(text, scheme));
            return false;
        }
        url.setScheme(scheme);
        url.setHost(url.host().toLower());
        url.setPort(port);
        url.setPath(webSocket && url.path().isEmpty() ? QStringLiteral("/") : webSocket ? url.path() : QString());
        service.connect = url;
        service.connectLocation = where;
        if ((scheme == u"ssl" || scheme == u"wss") && m_tlsConnectAt.line == 0)
            m_tlsConnectAt = where;
        return true;
    }

    void validateTypeProperties(RawService &raw)
    {
        ServiceConfig &service = raw.config;
        QStringList allowed;
        if (service.type == u"directory")
            allowed = {QStringLiteral("directory"), QStringLiteral("welcome-file")};
        else if (service.type == u"proxy")
            allowed = {QStringLiteral("connect.strategy"), QStringLiteral("maximum.pending.bytes"),
                       QStringLiteral("prepared.connection.count")};
        else if (service.type == u"management")
            allowed = {QStringLiteral("read-only.role"), QStringLiteral("audit.log"), QStringLiteral("allow.unencrypted"),
                       QStringLiteral("metrics")};
        else if (service.type == u"login")
            allowed = {QStringLiteral("allow.unencrypted")};
        else if (service.type == u"broadcast")
            allowed = {QStringLiteral("accept"), QStringLiteral("on.client.message"), QStringLiteral("reconnect.delay"),
                       QStringLiteral("reconnect.maximum.delay"), QStringLiteral("source.framing"),
                       QStringLiteral("source.maximum.message.size"), QStringLiteral("maximum.pending.bytes"),
                       QStringLiteral("slow.consumer"), QStringLiteral("on.source.lost")};
        static const QStringList unsupported = {QStringLiteral("maximum.recovery.interval"),
                                                QStringLiteral("internal.maximum.transferred.bytes")};
        for (auto it = service.properties.cbegin(); it != service.properties.cend(); ++it) {
            if (allowed.contains(it.key()))
                continue;
            addError(raw.propertyLocations.value(it.key()),
                     service.type == u"proxy" && unsupported.contains(it.key())
                         ? QStringLiteral("proxy property '%1' is not supported by this version of Postern").arg(it.key())
                         : QStringLiteral("service type '%1' has no property '%2'").arg(service.type, it.key()));
        }
        if (service.type == u"proxy")
            validateProxyProperties(raw);
        if (service.type == u"management")
            validateManagement(raw);
        if (service.type == u"login")
            validateLogin(raw);
        if (service.type == u"broadcast")
            validateBroadcast(raw);
        if (service.type != u"directory")
            return;
        if (!service.properties.contains(QStringLiteral("directory"))) {
            addError(service.where, QStringLiteral("directory service '%1' needs the property <directory>").arg(service.name));
            return;
        }
        const QString root = resolvePath(service.properties.value(QStringLiteral("directory")));
        if (!QFileInfo(root).isDir())
            addError(raw.propertyLocations.value(QStringLiteral("directory")),
                     QStringLiteral("directory '%1' does not exist").arg(root));
        service.properties.insert(QStringLiteral("directory"), root);
        const QString welcome = service.properties.value(QStringLiteral("welcome-file"), QStringLiteral("index.html"));
        if (welcome.isEmpty() || welcome.contains(u'/') || welcome == u".." || welcome == u".")
            addError(raw.propertyLocations.value(QStringLiteral("welcome-file")),
                     QStringLiteral("welcome-file '%1' must be a plain file name").arg(welcome));
        service.properties.insert(QStringLiteral("welcome-file"), welcome);
    }

    void finish()
    {
        AcceptOptions defaults;
        for (const auto &option : std::as_const(m_defaultAcceptOptions))
            applyOption(defaults, option);
        ConnectOptions connectDefaults;
        for (const auto &option : std::as_const(m_defaultConnectOptions))
            applyConnectOption(connectDefaults, option);

        QHash<QString, SourceLocation> names;
        // Key "scheme://host:port/path" -> (service, where), for duplicate accepts.
        QHash<QString, QPair<QString, SourceLocation>> acceptsSeen;
        // Key "host:port" -> (secure, service, options), for listener-level conflicts.
        struct ListenerUse
        {
            bool secure;
            QString service;
            AcceptOptions options;
        };
        QHash<QString, ListenerUse> listeners;

        for (auto &raw : m_services) {
            ServiceConfig &service = raw.config;
            if (!raw.sawName || service.name.isEmpty())
                addError(service.where, QStringLiteral("service has no <name>"));
            else if (names.contains(service.name))
                addError(service.where, QStringLiteral("service name '%1' is already used at line %2")
                                            .arg(service.name).arg(names.value(service.name).line));
            else
                names.insert(service.name, service.where);

            // A missing or unknown type is reported, and the rest of the service is still
            // checked (only the type's own rules are skipped), so one run lists everything.
            const bool knownType = kServiceTypes.contains(service.type);
            if (!raw.sawType || service.type.isEmpty())
                addError(service.where, QStringLiteral("service '%1' has no <type>").arg(service.name));
            else if (!knownType)
                addError(service.where, kUnsupportedServiceTypes.contains(service.type)
                             ? QStringLiteral("service type '%1' is not supported by this version of Postern").arg(service.type)
                             : QStringLiteral("unknown service type '%1' (known: %2)").arg(service.type, kServiceTypes.join(u", ")));
            if (service.type == u"proxy" || (service.type == u"broadcast" && !raw.connects.isEmpty())) {
                validateConnect(raw);
            } else if (service.type == u"broadcast") {
                if (raw.hasConnectOptions)
                    addError(service.connectOptions.where,
                             QStringLiteral("broadcast service '%1' connects to nothing (its sources connect in); "
                                            "<connect-options> applies to a <connect>").arg(service.name));
            } else if (knownType) {
                for (const auto &connect : std::as_const(raw.connects))
                    addError(connect.second, QStringLiteral("service type '%1' takes no <connect>").arg(service.type));
                if (raw.hasConnectOptions)
                    addError(service.connectOptions.where,
                             QStringLiteral("service type '%1' connects to nothing; <connect-options> applies to proxy services")
                                 .arg(service.type));
            }
            service.connectOptions = [&] {
                ConnectOptions options = connectDefaults;
                options.where = service.connectOptions.where;
                for (const auto &option : std::as_const(raw.connectOptions))
                    applyConnectOption(options, option);
                return options;
            }();
            if (raw.hasMimeMapping && knownType && service.type != u"directory")
                addError(raw.mimeMappingWhere,
                         QStringLiteral("service type '%1' serves no files; <mime-mapping> applies to directory services")
                             .arg(service.type));

            service.acceptOptions = [&] {
                AcceptOptions options = defaults;
                options.where = service.acceptOptions.where;
                for (const auto &option : std::as_const(raw.acceptOptions))
                    applyOption(options, option);
                return options;
            }();
            QMap<QString, QString> mime = m_defaultMimeMappings;
            mime.insert(service.mimeMappings);
            service.mimeMappings = mime;
            if (knownType)
                validateTypeProperties(raw);
            if (!service.realmName.isEmpty() && !m_config.realm(service.realmName))
                addError(raw.realmWhere, QStringLiteral("realm '%1' is not defined in <security>").arg(service.realmName));
            if (service.authorization && service.realmName.isEmpty())
                addError(service.authorization->where,
                         QStringLiteral("<authorization-constraint> needs a <realm-name> to know who the user is"));

            if (service.accepts.isEmpty())
                addError(service.where, QStringLiteral("service '%1' has no <accept>").arg(service.name));
            for (int i = 0; i < service.accepts.size(); ++i) {
                QUrl &url = service.accepts[i];
                if (!validateAccept(raw, i, url))
                    continue;
                const SourceLocation where = service.acceptLocations.at(i);
                const QString key = url.toString(QUrl::StripTrailingSlash);
                if (acceptsSeen.contains(key)) {
                    const auto &previous = acceptsSeen.value(key);
                    addError(where, QStringLiteral("accept '%1' is already used by service '%2' at line %3")
                                        .arg(url.toString(), previous.first).arg(previous.second.line));
                    continue;
                }
                acceptsSeen.insert(key, {service.name, where});
                const bool secure = (url.scheme() == u"wss" || url.scheme() == u"https")
                    && service.acceptOptions.sslEncryption;
                const QString listenerKey = url.host() + u':' + QString::number(url.port());
                if (!listeners.contains(listenerKey)) {
                    listeners.insert(listenerKey, {secure, service.name, service.acceptOptions});
                    continue;
                }
                const ListenerUse &use = listeners[listenerKey];
                if (use.secure != secure)
                    addError(where, QStringLiteral("accept '%1': %2 is used with TLS and without it (service '%3'); "
                                                   "one port speaks one or the other")
                                        .arg(url.toString(), listenerKey, use.service));
                else if (!use.options.sameListenerOptions(service.acceptOptions))
                    addError(service.acceptOptions.where,
                             QStringLiteral("services '%1' and '%2' share %3 but differ in an option of the port "
                                            "(http.keepalive.timeout, http.request.head.*, http.write.timeout, tcp.*, ssl.*)")
                                 .arg(use.service, service.name, listenerKey));
            }
            m_config.services.append(service);
        }
        if (m_tlsConnectAt.line > 0 && !m_config.truststore)
            addError(m_tlsConnectAt, QStringLiteral("an ssl://, wss:// or rediss:// connection is verified against <security><truststore>, "
                                                    "which is missing (add the back-end's CA with postern-keytool trust)"));
        if (m_verifyClientAt.line > 0 && !m_config.truststore)
            addError(m_verifyClientAt, QStringLiteral("ssl.verify-client needs <security><truststore> with the "
                                                      "certificates that client certificates must lead to"));
        if (m_config.services.isEmpty() && m_errors.isEmpty())
            addError({1, 1}, QStringLiteral("the configuration defines no service"));
        if (m_config.needsTls() && !m_config.keystore) {
            for (const auto &service : std::as_const(m_config.services))
                for (int i = 0; i < service.accepts.size(); ++i)
                    if (service.accepts[i].scheme() == u"wss" || service.accepts[i].scheme() == u"https") {
                        addError(service.acceptLocations.at(i),
                                 QStringLiteral("accept '%1' needs TLS, but <security> has no <keystore>")
                                     .arg(service.accepts[i].toString()));
                        return;
                    }
        }
    }

    QXmlStreamReader m_reader;
    QString m_fileName;
    QDir m_baseDir;
    QString m_namespace;
    GatewayConfig m_config;
    QList<RawService> m_services;
    QList<RawOption> m_defaultAcceptOptions;
    QList<RawOption> m_defaultConnectOptions;
    QMap<QString, QString> m_defaultMimeMappings;
    ConfigErrors m_errors;
    SourceLocation m_errorWhere;
    SourceLocation m_verifyClientAt; // where ssl.verify-client first asked for certificates
    SourceLocation m_tlsConnectAt;   // the first ssl:// or wss:// back-end
    bool m_sawRoot = false;
};

} // namespace

std::expected<GatewayConfig, ConfigErrors> ConfigLoader::loadFile(const QString &path)
{
    const auto data = Util::FileReader::read(path, Util::FileReader::kConfigurationLimit, QStringLiteral("configuration"));
    if (!data)
        return std::unexpected(ConfigErrors{{path, {}, data.error()}});
    return loadData(*data, path);
}

std::expected<GatewayConfig, ConfigErrors> ConfigLoader::loadData(const QByteArray &xml, const QString &fileName)
{
    auto config = Parser(xml, fileName).run();
    if (config)
        config->revision = ConfigDocument::revisionOf(xml);
    return config;
}

QStringList ConfigLoader::supportedNamespaces()
{
    return {kKaazingNamespace};
}

} // namespace Postern::Config
