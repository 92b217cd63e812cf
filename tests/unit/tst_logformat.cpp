#include "app/logformat.h"

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
};

QTEST_GUILESS_MAIN(TestLogFormat)
#include "tst_logformat.moc"
