#include "app/logformat.h"
#include "config/loggingconfig.h"
#include "logging.h"
#include "logline.h"

#include <QtTest>

class TestLogFormat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oneEventOneLine()
    {
        using Postern::App::escapeForLog;
        QCOMPARE(escapeForLog(QStringLiteral("a\nb\r\nc")), QStringLiteral("a b  c"));
        // A close reason chosen by a client cannot forge a line or drive a terminal.
        QCOMPARE(escapeForLog(QStringLiteral("x\x1b[31mred")), QStringLiteral("x\\x1b[31mred"));
        QCOMPARE(escapeForLog(QString(QChar(0x9b))), QStringLiteral("\\x9b"));
        QCOMPARE(escapeForLog(QStringLiteral("caf\u00e9 ok")), QStringLiteral("caf\u00e9 ok"));
    }

    void fieldsAreQuotedWhenTheyMustBe()
    {
        using Postern::LogLine;
        QCOMPARE(LogLine::quoted(QStringLiteral("127.0.0.1:5000")), QStringLiteral("127.0.0.1:5000"));
        QCOMPARE(LogLine::quoted(QStringLiteral("[::1]:443")), QStringLiteral("[::1]:443"));
        QCOMPARE(LogLine::quoted(QString()), QStringLiteral("\"\""));
        QCOMPARE(LogLine::quoted(QStringLiteral("two words")), QStringLiteral("\"two words\""));
        // A value chosen by a client cannot end its field or start another.
        QCOMPARE(LogLine::quoted(QStringLiteral("a\" user=admin \\")), QStringLiteral("\"a\\\" user=admin \\\\\""));
        QCOMPARE(LogLine::quoted(QStringLiteral("k=v")), QStringLiteral("\"k=v\""));
        QCOMPARE(LogLine::quoted(QStringLiteral("caf\u00e9")), QStringLiteral("\"caf\u00e9\""));
        const QString line = LogLine(QStringLiteral("refused"))
                                 .add(QStringLiteral("client"), QStringLiteral("10.0.0.1:4000"))
                                 .addIfSet(QStringLiteral("service"), QString())
                                 .add(QStringLiteral("status"), 401)
                                 .add(QStringLiteral("reason"), QStringLiteral("no credentials"))
                                 .text();
        QCOMPARE(line, QStringLiteral("refused client=10.0.0.1:4000 status=401 reason=\"no credentials\""));
    }

    void levelsBecomeFilterRules()
    {
        using Postern::App::logFilterRules;
        QCOMPARE(logFilterRules({}, false), QStringLiteral("postern.*.debug=false\nqt.*.debug=false"));
        QCOMPARE(logFilterRules({}, true), QStringLiteral("postern.*.debug=true"));
        // "postern" first, then the named categories, which win over it.
        const QString rules = logFilterRules({{QStringLiteral("postern.tls"), QStringLiteral("debug")},
                                              {QStringLiteral("postern"), QStringLiteral("error")}}, false);
        QCOMPARE(rules, QStringLiteral("postern.*.debug=false\nqt.*.debug=false\n"
                                       "postern.*.debug=false\npostern.*.info=false\npostern.*.warning=false\npostern.*.critical=true\n"
                                       "postern.tls.debug=true\npostern.tls.info=true\npostern.tls.warning=true\npostern.tls.critical=true"));
    }

    void levelChangeTakesEffectAtOnce()
    {
        // What a reload does: the same category object, enabled and disabled without a restart.
        using Postern::App::setLogLevels;
        QLoggingCategory::setFilterRules(Postern::App::logFilterRules({}, false));
        QVERIFY(!Postern::lcFrontdoor().isDebugEnabled());
        QVERIFY(Postern::lcFrontdoor().isInfoEnabled());
        setLogLevels({{QStringLiteral("postern.frontdoor"), QStringLiteral("debug")}});
        QVERIFY(Postern::lcFrontdoor().isDebugEnabled());
        QVERIFY(!Postern::lcTls().isDebugEnabled());
        setLogLevels({{QStringLiteral("postern"), QStringLiteral("warning")}});
        QVERIFY(!Postern::lcFrontdoor().isDebugEnabled());
        QVERIFY(!Postern::lcSession().isInfoEnabled());
        QVERIFY(Postern::lcSession().isWarningEnabled());
        setLogLevels({});
        QVERIFY(Postern::lcSession().isInfoEnabled());
    }

    void everyConfigurableCategoryExists()
    {
        // The list the configuration accepts (core) names the categories the server logs to.
        const QStringList categories = Postern::Config::LoggingConfig::categories();
        QCOMPARE(categories.first(), QStringLiteral("postern"));
        const QStringList logged{QString::fromLatin1(Postern::lcFrontdoor().categoryName()), QString::fromLatin1(Postern::lcTls().categoryName()),
                                 QString::fromLatin1(Postern::lcService().categoryName()), QString::fromLatin1(Postern::lcSession().categoryName()),
                                 QString::fromLatin1(Postern::lcGateway().categoryName()), QString::fromLatin1(Postern::lcProxy().categoryName())};
        QCOMPARE(categories.mid(1), logged);
    }
};

QTEST_GUILESS_MAIN(TestLogFormat)
#include "tst_logformat.moc"
