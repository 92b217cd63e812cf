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

    // Errors name the file and line; `warnings` gets the users with plain-text passwords.
    static std::expected<UsersFile, QString> load(const QString &path, QStringList *warnings = nullptr);

    // The user's roles if `password` is theirs. Unknown users cost a hash check too, so the
    // answer's timing does not tell which user names exist.
    std::optional<QStringList> authenticate(const QString &user, const QByteArray &password) const;
    qsizetype size() const { return m_users.size(); }

private:
    QHash<QString, User> m_users;
};

} // namespace Postern::Auth
