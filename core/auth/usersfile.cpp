#include "auth/usersfile.h"

#include "auth/passwordhasher.h"

#include <QFile>
#include <QXmlStreamReader>

#include <openssl/crypto.h>

namespace Postern::Auth {

namespace {

// A hash of a password nobody has, checked for unknown users (same cost as a real check).
const QByteArray &decoyHash()
{
    static const QByteArray hash = PasswordHasher::hash(QByteArrayLiteral("postern-decoy")).value_or(QByteArray());
    return hash;
}

} // namespace

std::expected<UsersFile, QString> UsersFile::load(const QString &path, QStringList *warnings)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::unexpected(QStringLiteral("cannot read users file '%1': %2").arg(path, file.errorString()));
    QXmlStreamReader reader(&file);
    const auto fail = [&](const QString &message) {
        return std::unexpected(QStringLiteral("%1:%2: %3").arg(path).arg(reader.lineNumber()).arg(message));
    };
    if (!reader.readNextStartElement() || reader.name() != u"jaas-config")
        return fail(QStringLiteral("the root element must be <jaas-config>"));
    UsersFile users;
    while (reader.readNextStartElement()) {
        if (reader.name() == u"role") {
            reader.skipCurrentElement(); // role descriptions are documentation
            continue;
        }
        if (reader.name() != u"user")
            return fail(QStringLiteral("unknown element <%1> in <jaas-config>").arg(reader.name().toString()));
        User user;
        bool sawPassword = false;
        while (reader.readNextStartElement()) {
            const QString name = reader.name().toString();
            const QString text = reader.readElementText().trimmed();
            if (name == u"name")
                user.name = text;
            else if (name == u"password") {
                user.password = text.toUtf8();
                sawPassword = true;
            } else if (name == u"role-name")
                user.roles << text;
            else
                return fail(QStringLiteral("unknown element <%1> in <user>").arg(name));
        }
        if (reader.hasError())
            return fail(QStringLiteral("malformed XML: ") + reader.errorString());
        if (user.name.isEmpty())
            return fail(QStringLiteral("a <user> has no <name>"));
        if (!sawPassword || user.password.isEmpty())
            return fail(QStringLiteral("user '%1' has no <password>").arg(user.name));
        if (users.m_users.contains(user.name))
            return fail(QStringLiteral("user '%1' appears twice").arg(user.name));
        if (!PasswordHasher::isHash(user.password) && warnings)
            warnings->append(QStringLiteral("%1: user '%2' has a plain-text password; store an Argon2id hash "
                                            "(postern-keytool hash-password)").arg(path, user.name));
        users.m_users.insert(user.name, user);
    }
    if (reader.hasError())
        return fail(QStringLiteral("malformed XML: ") + reader.errorString());
    return users;
}

std::optional<QStringList> UsersFile::authenticate(const QString &name, const QByteArray &password) const
{
    const auto it = m_users.constFind(name);
    if (it == m_users.cend()) {
        PasswordHasher::verify(password, decoyHash());
        return std::nullopt;
    }
    bool matches = false;
    if (PasswordHasher::isHash(it->password)) {
        matches = PasswordHasher::verify(password, it->password);
    } else {
        matches = password.size() == it->password.size()
            && CRYPTO_memcmp(password.constData(), it->password.constData(), size_t(password.size())) == 0;
    }
    if (!matches)
        return std::nullopt;
    return it->roles;
}

} // namespace Postern::Auth
