#pragma once

// A listening socket that hands each connection to the test as a QSslSocket that has not
// started TLS, so that the test decides how (or whether) the server side encrypts.

#include <QSslSocket>
#include <QTcpServer>

#include <memory>
#include <vector>

namespace Postern::Testing {

class RawTlsServer : public QTcpServer
{
public:
    std::vector<std::unique_ptr<QSslSocket>> accepted; // in the order they came

protected:
    void incomingConnection(qintptr descriptor) override;
};

} // namespace Postern::Testing
