#include "usermodel.h"

#include <QBrush>
#include <QColor>
#include <QJsonArray>
#include <QRegularExpression>

namespace Postern::Admin {

UserModel::UserModel(ManagementClient *client, QObject *parent)
    : JsonTableModel(client, {tr("User"), tr("Roles"), tr("Password")}, parent)
{
}

void UserModel::setRealm(const QString &realm)
{
    if (m_realm == realm)
        return;
    m_realm = realm;
    setRows({});
    refresh();
}

void UserModel::refresh()
{
    if (!client()->isConnected() || m_realm.isEmpty())
        return;
    load(client()->listUsers(m_realm), [this](const QJsonObject &result) {
        m_file = result.value(u"file").toString();
        return objects(result.value(u"users"));
    });
}

ManagementReply *UserModel::change(ManagementReply *reply, const QString &what)
{
    reply->onFinished(this, [this, what](const ManagementReply &answer) {
        if (answer.isError())
            setLastError(tr("%1: %2").arg(what, answer.error().message));
        else
            refresh();
    });
    return reply;
}

ManagementReply *UserModel::addUser(const QString &name, const QString &password, const QStringList &roles)
{
    return change(client()->addUser(m_realm, name, password, roles), tr("User '%1' was not added").arg(name));
}

ManagementReply *UserModel::setPassword(const QString &name, const QString &password)
{
    return change(client()->setUserPassword(m_realm, name, password), tr("The password of '%1' was not set").arg(name));
}

ManagementReply *UserModel::setRoles(const QString &name, const QStringList &roles)
{
    return change(client()->setUserRoles(m_realm, name, roles), tr("The roles of '%1' were not set").arg(name));
}

ManagementReply *UserModel::removeUser(const QString &name)
{
    return change(client()->removeUser(m_realm, name), tr("User '%1' was not removed").arg(name));
}

QStringList UserModel::parseRoles(const QString &text)
{
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    QStringList roles = text.split(separators, Qt::SkipEmptyParts);
    roles.removeDuplicates();
    return roles;
}

QVariant UserModel::cell(const QJsonObject &row, int column, int role) const
{
    const bool hashed = row.value(u"hashed").toBool();
    if (role == Qt::ForegroundRole && column == Password && !hashed)
        return QBrush(QColor(0xa6, 0x1b, 0x1b));
    if (role == Qt::ToolTipRole && column == Password && !hashed)
        return tr("Stored in plain text in the users file: set a new password to store it as an Argon2id hash.");
    if (role != Qt::DisplayRole)
        return {};
    switch (column) {
    case Name: return row.value(u"name").toString();
    case Roles: return row.value(u"roles").toVariant().toStringList().join(QStringLiteral(", "));
    case Password: return hashed ? tr("Argon2id hash") : tr("plain text — replace it");
    default: return {};
    }
}

} // namespace Postern::Admin
