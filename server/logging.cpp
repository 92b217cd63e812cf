#include "logging.h"

namespace Postern {

Q_LOGGING_CATEGORY(lcFrontdoor, "postern.frontdoor", QtInfoMsg)
Q_LOGGING_CATEGORY(lcTls, "postern.tls", QtInfoMsg)
Q_LOGGING_CATEGORY(lcService, "postern.service", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSession, "postern.session", QtInfoMsg)
Q_LOGGING_CATEGORY(lcGateway, "postern.gateway", QtInfoMsg)
Q_LOGGING_CATEGORY(lcProxy, "postern.proxy", QtInfoMsg)
Q_LOGGING_CATEGORY(lcBroadcast, "postern.broadcast", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCluster, "postern.cluster", QtInfoMsg)

} // namespace Postern
