#pragma once

// The server's logging categories, one per module.

#include <QLoggingCategory>

namespace Postern {

Q_DECLARE_LOGGING_CATEGORY(lcFrontdoor)
Q_DECLARE_LOGGING_CATEGORY(lcTls)
Q_DECLARE_LOGGING_CATEGORY(lcService)
Q_DECLARE_LOGGING_CATEGORY(lcSession)
Q_DECLARE_LOGGING_CATEGORY(lcGateway)
Q_DECLARE_LOGGING_CATEGORY(lcProxy)
Q_DECLARE_LOGGING_CATEGORY(lcBroadcast)
Q_DECLARE_LOGGING_CATEGORY(lcCluster)

} // namespace Postern
