#include "consoleapplication.h"

int main(int argc, char *argv[])
{
    return Postern::Admin::ConsoleApplication::run(argc, argv);
}
