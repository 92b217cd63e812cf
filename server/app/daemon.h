#pragma once

// posternd's command line and life cycle: parse options, check or load the configuration,
// run the gateway, reload on SIGHUP and drain on SIGTERM.

class QCoreApplication;

namespace Postern::App {

// Exit codes: 0 success, 1 invalid configuration or failure to start, 2 usage error.
int runDaemon(QCoreApplication &application);

} // namespace Postern::App
