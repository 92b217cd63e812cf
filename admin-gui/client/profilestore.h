#pragma once

// The saved gateway profiles, in the console's QSettings (group "profiles", one subgroup per
// profile), and which one was used last. Passwords are not kept here.

#include "connectionprofile.h"

#include <QList>
#include <QSettings>

#include <memory>
#include <optional>

namespace Postern::Admin {

class ProfileStore final
{
public:
    // The application's settings; or a given file (tests).
    ProfileStore();
    explicit ProfileStore(const QString &fileName);

    QList<ConnectionProfile> profiles() const;
    std::optional<ConnectionProfile> find(const QString &name) const;
    // Adds or replaces the profile of that name.
    void save(const ConnectionProfile &profile);
    void remove(const QString &name);

    QString lastUsed() const;
    void setLastUsed(const QString &name);

private:
    static QString groupOf(const QString &name);

    std::unique_ptr<QSettings> m_settings;
};

} // namespace Postern::Admin
