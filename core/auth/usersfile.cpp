#include "auth/usersfile.h"

#include "auth/passwordhasher.h"
#include "util/atomicfile.h"
#include "util/filereader.h"

#include <QFile>
#include <QXmlStreamReader>
#include <QXmlStreamWriter>

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
    const auto data = Util::FileReader::read(path, Util::FileReader::kUsersFileLimit, QStringLiteral("users file"));
    if (!data)
        return std::unexpected(data.error());
    QXmlStreamReader reader(*data);
    const auto fail = [&](const QString &message) {
        return std::unexpected(QStringLiteral("%1:%2: %3").arg(path).arg(reader.lineNumber()).arg(message));
    };
    if (!reader.readNextStartElement() || reader.name() != u"jaas-config")
        return fail(QStringLiteral("the root element must be <jaas-config>"));
    UsersFile users;
    while (reader.readNextStartElement()) {
        if (reader.name() == u"role") {
            Role role;
            while (reader.readNextStartElement()) {
                const QString text = reader.readElementText().trimmed();
                if (reader.name() == u"name")
                    role.name = text;
                else if (reader.name() == u"description")
                    role.description = text;
            }
            if (!role.name.isEmpty())
                users.m_roles.append(role);
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
        users.m_order.append(user.name);
    }
    if (reader.hasError())
        return fail(QStringLiteral("malformed XML: ") + reader.errorString());
    return users;
}

QList<UsersFile::User> UsersFile::users() const
{
    QList<User> users;
    for (const QString &name : m_order)
        users.append(m_users.value(name));
    return users;
}

const UsersFile::User *UsersFile::user(const QString &name) const
{
    const auto it = m_users.constFind(name);
    return it == m_users.cend() ? nullptr : &*it;
}

bool UsersFile::addUser(const User &user)
{
    if (user.name.isEmpty() || m_users.contains(user.name))
        return false;
    m_users.insert(user.name, user);
    m_order.append(user.name);
    return true;
}

bool UsersFile::updateUser(const User &user)
{
    if (!m_users.contains(user.name))
        return false;
    m_users.insert(user.name, user);
    return true;
}

bool UsersFile::removeUser(const QString &name)
{
    if (!m_users.remove(name))
        return false;
    m_order.removeOne(name);
    return true;
}

QByteArray UsersFile::toXml() const
{
    QByteArray xml;
    QXmlStreamWriter writer(&xml);
    writer.setAutoFormatting(true);
    writer.setAutoFormattingIndent(2);
    writer.writeStartDocument();
    writer.writeComment(QStringLiteral(" Users of a file login module (docs/configuration.md). Passwords are Argon2id "
                                       "hashes (postern-keytool hash-password). "));
    writer.writeStartElement(QStringLiteral("jaas-config"));
    QStringList described;
    for (const User &user : users()) {
        writer.writeStartElement(QStringLiteral("user"));
        writer.writeTextElement(QStringLiteral("name"), user.name);
        writer.writeTextElement(QStringLiteral("password"), QString::fromUtf8(user.password));
        for (const QString &role : user.roles) {
            writer.writeTextElement(QStringLiteral("role-name"), role);
            if (!described.contains(role))
                described.append(role);
        }
        writer.writeEndElement();
    }
    for (const Role &role : m_roles)
        described.removeAll(role.name);
    QList<Role> roles = m_roles;
    for (const QString &name : std::as_const(described))
        roles.append({name, {}});
    for (const Role &role : std::as_const(roles)) {
        writer.writeStartElement(QStringLiteral("role"));
        writer.writeTextElement(QStringLiteral("name"), role.name);
        if (!role.description.isEmpty())
            writer.writeTextElement(QStringLiteral("description"), role.description);
        writer.writeEndElement();
    }
    writer.writeEndElement();
    writer.writeEndDocument();
    return xml;
}

std::expected<void, QString> UsersFile::save(const QString &path) const
{
    return Util::AtomicFile::write(path, toXml(), true);
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
