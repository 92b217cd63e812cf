#include "rawtlsserver.h"

namespace Postern::Testing {

void RawTlsServer::incomingConnection(qintptr descriptor)
{
    auto socket = std::make_unique<QSslSocket>();
    if (socket->setSocketDescriptor(descriptor))
        accepted.push_back(std::move(socket));
}

} // namespace Postern::Testing
