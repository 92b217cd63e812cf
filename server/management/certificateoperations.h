#pragma once

// certificates.*: the keystore and truststore the running configuration names, with every
// operation postern-keytool has (list with details and findings, generate, import, trust,
// CSR and CA reply, export, delete, rename). A change is saved atomically (with a backup)
// and the gateway reloads its TLS from it, so new handshakes present it at once; if the
// gateway cannot use the result, the store is put back as it was.

#include "management/gatewaycontrol.h"
#include "management/operationtable.h"
#include "tls/keystore.h"

namespace Postern::Management {

class CertificateOperations
{
public:
    explicit CertificateOperations(GatewayControl *gateway) : m_gateway(gateway) {}

    void registerOn(OperationTable &table);

private:
    struct Store
    {
        QString kind; // "keystore" or "truststore"
        QString path;
        QByteArray password;
        Tls::Keystore store;
    };

    std::expected<Store, ManagementError> open(const Params &params) const;
    // Saves `store`, reloads the gateway's TLS, and puts the old file back if that fails.
    std::expected<void, ManagementError> commit(const Store &store);

    OperationResult list(const Params &params) const;
    OperationResult get(const Params &params) const;
    OperationResult generate(const Params &params);
    OperationResult import(const Params &params);
    OperationResult requestCertificate(const Params &params);
    OperationResult installReply(const Params &params);
    OperationResult exportEntry(const Params &params) const;
    OperationResult remove(const Params &params);
    OperationResult rename(const Params &params);

    GatewayControl *m_gateway;
};

} // namespace Postern::Management
