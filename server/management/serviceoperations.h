#pragma once

// gateway.info, services.* and config.*: what the gateway is and runs, and changes to its
// services through ConfigEditor.

#include "management/configeditor.h"
#include "management/operationtable.h"

namespace Postern::Management {

class ServiceOperations
{
public:
    explicit ServiceOperations(GatewayControl *gateway) : m_gateway(gateway), m_editor(gateway) {}

    void registerOn(OperationTable &table);

    // Told after every change to the configuration (the new revision and what changed).
    std::function<void(const QString &revision, const QString &change, const Caller &caller)> onChanged;

private:
    OperationResult info() const;
    OperationResult list() const;
    OperationResult get(const Params &params) const;
    OperationResult create(const Params &params, const Caller &caller);
    OperationResult update(const Params &params, const Caller &caller);
    OperationResult remove(const Params &params, const Caller &caller);
    OperationResult setEnabled(const Params &params, const Caller &caller, bool enabled);
    OperationResult configGet() const;
    OperationResult configValidate(const Params &params) const;
    OperationResult configReload(const Caller &caller);

    // A service's definition (from the file) with its live state.
    QJsonObject serviceJson(const QJsonObject &definition) const;
    OperationResult changed(const std::expected<QString, ManagementError> &revision, const QString &change,
                            const Caller &caller);

    GatewayControl *m_gateway;
    ConfigEditor m_editor;
};

} // namespace Postern::Management
