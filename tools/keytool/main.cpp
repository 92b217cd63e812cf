#include "keytool.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication application(argc, argv);
    return Postern::Tools::runKeytool(application.arguments());
}
