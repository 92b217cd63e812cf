#include "mainwindow.h"

#include <QLabel>
#include <QtTest>

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void opensAndSaysWhatItIs()
    {
        Postern::Admin::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.windowTitle(), QStringLiteral("Postern Administration"));
        const auto *label = qobject_cast<QLabel *>(window.centralWidget());
        QVERIFY(label);
        QVERIFY(label->text().contains(QStringLiteral("management endpoint")));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
