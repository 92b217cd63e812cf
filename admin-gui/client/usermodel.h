#pragma once

// The users of one realm's users file (users.list), and the changes to them: add, set a
// password (hashed by the gateway), set roles, remove. After each change the list is loaded
// again; errorChanged() carries the gateway's reason when a change was refused.

#include "jsontablemodel.h"

namespace Postern::Admin {

class UserModel final : public JsonTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UserModel)

public:
    enum Column { Name, Roles, Password, ColumnCount };

    explicit UserModel(ManagementClient *client, QObject *parent = nullptr);

    const QString &realm() const { return m_realm; }
    void setRealm(const QString &realm);
    // The users file's path, from the last load.
    const QString &file() const { return m_file; }

    ManagementReply *addUser(const QString &name, const QString &password, const QStringList &roles);
    ManagementReply *setPassword(const QString &name, const QString &password);
    ManagementReply *setRoles(const QString &name, const QStringList &roles);
    ManagementReply *removeUser(const QString &name);

    // "ADMIN, OPERATOR" → {"ADMIN", "OPERATOR"}: commas or white space between roles.
    static QStringList parseRoles(const QString &text);

public Q_SLOTS:
    void refresh() override;

protected:
    QVariant cell(const QJsonObject &row, int column, int role) const override;

private:
    ManagementReply *change(ManagementReply *reply, const QString &what);

    QString m_realm;
    QString m_file;
};

} // namespace Postern::Admin
