#include "mainwindow.h"

#include <QApplication>

int main(int argc, char *argv[])
{
    QApplication application(argc, argv);
    QApplication::setApplicationName(QStringLiteral("postern-admin"));
    QApplication::setApplicationVersion(QStringLiteral(POSTERN_VERSION));
    Postern::Admin::MainWindow window;
    window.show();
    return QApplication::exec();
}
