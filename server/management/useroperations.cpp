#include "management/useroperations.h"

#include "auth/passwordhasher.h"
#include "auth/usersfile.h"
#include "logging.h"
#include "management/protocol.h"
#include "util/filechange.h"
#include "util/filereader.h"

#include <QFile>
#include <QJsonArray>

#include <algorithm>

namespace Postern::Management {

namespace {

ManagementError unknownUser(const QString &name)
{
    return {ErrorCode::NotFound, QStringLiteral("there is no user '%1'").arg(name), QStringLiteral("params.name")};
}

std::expected<QByteArray, ManagementError> hashed(const Params &params)
{
    const auto password = params.string(QStringLiteral("password"));
    if (!password)
        return std::unexpected(password.error());
    if (password->size() < 8)
        return std::unexpected(Params::invalid(QStringLiteral("password"), QStringLiteral("a password needs at least 8 characters")));
    QByteArray bytes = password->toUtf8();
    const auto hash = Auth::PasswordHasher::hash(bytes);
    bytes.fill('\0');
    if (!hash)
        return std::unexpected(ManagementError{ErrorCode::Failed, hash.error(), {}});
    return *hash;
}

// Whether `text` is fit to be a user or role name in a users file: not empty, at most 128
// characters, no control or format characters, no white space at either end.
bool isPlainName(const QString &text)
{
    if (text.isEmpty() || text.size() > 128 || text.trimmed() != text)
        return false;
    return std::none_of(text.cbegin(), text.cend(), [](QChar c) {
        return c.category() == QChar::Other_Control || c.category() == QChar::Other_Format || c.isNonCharacter();
    });
}

std::expected<QString, ManagementError> userName(const Params &params)
{
    const auto name = params.string(QStringLiteral("name"));
    if (!name)
        return name;
    // A colon could never log in: Basic credentials split at the first one.
    if (!isPlainName(*name) || name->contains(u':'))
        return std::unexpected(Params::invalid(QStringLiteral("name"),
                                               QStringLiteral("params.name must be a user name of 1 to 128 characters, "
                                                              "without control characters, a colon, or white space at "
                                                              "either end")));
    return name;
}

std::expected<QStringList, ManagementError> roleNames(const Params &params)
{
    const auto roles = params.strings(QStringLiteral("roles"));
    if (!roles)
        return roles;
    for (const QString &role : *roles)
        if (!isPlainName(role) || role == u"*")
            return std::unexpected(Params::invalid(QStringLiteral("roles"),
                                                   QStringLiteral("params.roles must be role names of 1 to 128 characters, "
                                                                  "without control characters or white space at either end")));
    return roles;
}

} // namespace

void UserOperations::registerOn(OperationTable &table)
{
    table.insert(QStringLiteral("users.list"), {false, [this](const Params &p, const Caller &) { return list(p); }});
    table.insert(QStringLiteral("users.add"), {true, [this](const Params &p, const Caller &) {
        const auto name = userName(p);
        const auto roles = roleNames(p);
        const auto password = hashed(p);
        if (!name)
            return OperationResult(std::unexpected(name.error()));
        if (!roles)
            return OperationResult(std::unexpected(roles.error()));
        if (!password)
            return OperationResult(std::unexpected(password.error()));
        return change(p, [&](Auth::UsersFile &users) -> std::expected<QJsonValue, ManagementError> {
            if (!users.addUser({*name, *password, *roles}))
                return std::unexpected(ManagementError{ErrorCode::Conflict, QStringLiteral("user '%1' exists already").arg(*name),
                                                       QStringLiteral("params.name")});
            return QJsonObject{{QStringLiteral("added"), *name}};
        });
    }});
    table.insert(QStringLiteral("users.setPassword"), {true, [this](const Params &p, const Caller &) {
        const auto name = userName(p);
        const auto password = hashed(p);
        if (!name)
            return OperationResult(std::unexpected(name.error()));
        if (!password)
            return OperationResult(std::unexpected(password.error()));
        return change(p, [&](Auth::UsersFile &users) -> std::expected<QJsonValue, ManagementError> {
            const Auth::UsersFile::User *user = users.user(*name);
            if (!user)
                return std::unexpected(unknownUser(*name));
            Auth::UsersFile::User changed = *user;
            changed.password = *password;
            users.updateUser(changed);
            return QJsonObject{{QStringLiteral("updated"), *name}};
        });
    }});
    table.insert(QStringLiteral("users.setRoles"), {true, [this](const Params &p, const Caller &) {
        const auto name = userName(p);
        const auto roles = roleNames(p);
        if (!name)
            return OperationResult(std::unexpected(name.error()));
        if (!roles)
            return OperationResult(std::unexpected(roles.error()));
        return change(p, [&](Auth::UsersFile &users) -> std::expected<QJsonValue, ManagementError> {
            const Auth::UsersFile::User *user = users.user(*name);
            if (!user)
                return std::unexpected(unknownUser(*name));
            Auth::UsersFile::User changed = *user;
            changed.roles = *roles;
            users.updateUser(changed);
            return QJsonObject{{QStringLiteral("updated"), *name}};
        });
    }});
    table.insert(QStringLiteral("users.remove"), {true, [this](const Params &p, const Caller &) {
        const auto name = userName(p);
        if (!name)
            return OperationResult(std::unexpected(name.error()));
        return change(p, [&](Auth::UsersFile &users) -> std::expected<QJsonValue, ManagementError> {
            if (!users.removeUser(*name))
                return std::unexpected(unknownUser(*name));
            return QJsonObject{{QStringLiteral("removed"), *name}};
        });
    }});
}

std::expected<QString, ManagementError> UserOperations::usersFile(const Params &params) const
{
    const auto realmName = params.string(QStringLiteral("realm"));
    if (!realmName)
        return std::unexpected(realmName.error());
    const Config::RealmConfig *realm = m_gateway->runningConfig().realm(*realmName);
    if (!realm)
        return std::unexpected(ManagementError{ErrorCode::NotFound, QStringLiteral("there is no realm '%1'").arg(*realmName),
                                               QStringLiteral("params.realm")});
    for (const auto &module : realm->loginModules)
        if (module.type == u"file")
            return module.options.value(QStringLiteral("file"));
    return std::unexpected(ManagementError{ErrorCode::NotFound, QStringLiteral("realm '%1' has no file login module: its users "
                                                                               "are not kept by the gateway").arg(*realmName),
                                           QStringLiteral("params.realm")});
}

OperationResult UserOperations::list(const Params &params) const
{
    const auto path = usersFile(params);
    if (!path)
        return std::unexpected(path.error());
    const auto users = Auth::UsersFile::load(*path);
    if (!users)
        return std::unexpected(ManagementError{ErrorCode::Failed, users.error(), {}});
    QJsonArray list;
    for (const auto &user : users->users())
        list.append(QJsonObject{{QStringLiteral("name"), user.name},
                                {QStringLiteral("roles"), QJsonArray::fromStringList(user.roles)},
                                {QStringLiteral("hashed"), Auth::PasswordHasher::isHash(user.password)}});
    return QJsonObject{{QStringLiteral("realm"), params.json().value(u"realm")}, {QStringLiteral("file"), *path},
                       {QStringLiteral("users"), list}};
}

OperationResult UserOperations::change(const Params &params,
                                       const std::function<std::expected<QJsonValue, ManagementError>(Auth::UsersFile &)> &edit)
{
    const auto path = usersFile(params);
    if (!path)
        return std::unexpected(path.error());
    auto users = Auth::UsersFile::load(*path);
    if (!users)
        return std::unexpected(ManagementError{ErrorCode::Failed, users.error(), {}});
    auto result = edit(*users);
    if (!result)
        return result;
    auto change = Util::FileChange::begin(*path, Util::FileReader::kUsersFileLimit, true);
    if (!change)
        return std::unexpected(ManagementError{ErrorCode::Failed, change.error(), {}});
    if (const auto written = change->write(users->toXml()); !written)
        return std::unexpected(ManagementError{ErrorCode::Failed, written.error(), {}});
    if (const auto applied = m_gateway->applyConfig(m_gateway->runningConfig()); !applied) {
        // Put back as it was, and the backup of the last good version stays too.
        const auto undone = change->undo();
        static_cast<void>(m_gateway->applyConfig(m_gateway->runningConfig()));
        return std::unexpected(ManagementError{ErrorCode::Failed,
                                               QStringLiteral("the gateway could not use the changed users file, %1: %2")
                                                   .arg(undone ? QStringLiteral("which was put back")
                                                               : QStringLiteral("and putting it back failed (%1)").arg(undone.error()),
                                                        applied.error().join(QStringLiteral("; "))), {}});
    }
    if (const auto kept = change->keep(); !kept)
        qCWarning(lcGateway).noquote() << QStringLiteral("management: %1").arg(kept.error());
    return result;
}

} // namespace Postern::Management
