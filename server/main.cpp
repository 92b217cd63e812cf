#include "app/daemon.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication application(argc, argv);
    return Postern::App::runDaemon(application);
}
