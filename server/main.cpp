#include "app/daemon.h"
#include "app/epolleventdispatcher.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    // Qt's own poll() dispatcher costs less per wake-up than GLib's (docs/performance.md,
    // "Profiling notes"). QT_NO_GLIB set to an empty value keeps GLib's.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    // And an epoll dispatcher costs less again (docs/performance.md, "Fourth pass").
    Postern::App::EpollEventDispatcher::installForMainThread();
    QCoreApplication application(argc, argv);
    return Postern::App::runDaemon(application);
}
