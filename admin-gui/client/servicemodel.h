#pragma once

// The gateway's services (services.list) with their live state, and the configuration
// revision they were read at — every change names it, so a change made elsewhere in the
// meantime is refused (conflict) instead of overwritten. Reloads on config.changed.

#include "jsontablemodel.h"

namespace Postern::Admin {

class ServiceModel final : public JsonTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServiceModel)

public:
    enum Column { Name, Type, State, Accept, Sessions, Problems, ColumnCount };

    explicit ServiceModel(ManagementClient *client, QObject *parent = nullptr);

    const QString &revision() const { return m_revision; }
    // The row of the service named `name`; -1 when there is none.
    int rowOf(const QString &name) const { return find(QStringLiteral("name"), name); }
    // A service as it is written (the definition without its live state).
    static QJsonObject definition(const QJsonObject &service);

public Q_SLOTS:
    void refresh() override;

Q_SIGNALS:
    void revisionChanged(const QString &revision);

protected:
    QVariant cell(const QJsonObject &row, int column, int role) const override;

private:
    QString m_revision;
};

} // namespace Postern::Admin
