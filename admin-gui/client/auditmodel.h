#pragma once

// The audit trail of changes made through the management API: who, from where, what, and
// the result — the file's last entries (audit.tail) and each new one as it happens.

#include "jsontablemodel.h"

namespace Postern::Admin {

class AuditModel final : public JsonTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditModel)

public:
    enum Column { Time, User, From, Operation, Result, Details, ColumnCount };

    explicit AuditModel(ManagementClient *client, QObject *parent = nullptr);

public Q_SLOTS:
    void refresh() override;

protected:
    QVariant cell(const QJsonObject &row, int column, int role) const override;
};

} // namespace Postern::Admin
