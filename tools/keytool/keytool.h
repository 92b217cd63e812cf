#pragma once

// postern-keytool: the command-line front end over the core keystore API.
// Exit codes: 0 success, 1 the operation failed, 2 usage error, 3 (check-host) not covered.

#include <QStringList>

namespace Postern::Tools {

int runKeytool(const QStringList &arguments);

} // namespace Postern::Tools
