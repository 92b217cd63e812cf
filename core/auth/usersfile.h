#pragma once

// The file login module's users: KAAZING's jaas-config.xml format
//   <jaas-config><user><name/><password/><role-name/>*</user>*<role><name/><description/></role>*</jaas-config>
// with passwords stored as Argon2id hashes (postern-keytool hash-password). A plain-text
// password still loads, with a warning naming the user.

#include <QHash>
#include <QString>
#include <QStringList>

#include <expected>

namespace Postern::Auth {

class UsersFile
{
public:
    struct User
    {
        QString name;
        QByteArray password; // an Argon2id hash, or plain text (warned about)
        QStringList roles;
    };

    struct Role
    {
        QString name;
        QString description;
    };

    // Errors name the file and line; `warnings` gets the users with plain-text passwords.
    static std::expected<UsersFile, QString> load(const QString &path, QStringList *warnings = nullptr);

    // The users in file order, and the role descriptions.
    QList<User> users() const;
    const QList<Role> &roles() const { return m_roles; }
    const User *user(const QString &name) const;
    // False when the name is taken (add) or unknown (the others).
    bool addUser(const User &user);
    bool updateUser(const User &user);
    bool removeUser(const QString &name);

    // The file's text: users, then roles, with every role a user has described (the
    // description is kept where there was one).
    QByteArray toXml() const;
    // Written atomically, owner-only, with a backup of the previous file.
    std::expected<void, QString> save(const QString &path) const;

    // The user's roles if `password` is theirs. Unknown users cost a hash check too, so the
    // answer's timing does not tell which user names exist.
    std::optional<QStringList> authenticate(const QString &user, const QByteArray &password) const;
    qsizetype size() const { return m_users.size(); }

private:
    QHash<QString, User> m_users;
    QStringList m_order;
    QList<Role> m_roles;
};

} // namespace Postern::Auth
