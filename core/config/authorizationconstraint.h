#pragma once

// <authorization-constraint>: who may use a service once authenticated. A user holding any
// of the roles passes; "*" (or require-valid-user) admits every authenticated user.

#include "config/sourcelocation.h"

#include <QStringList>

namespace Postern::Config {

struct AuthorizationConstraint
{
    QStringList requireRoles;
    bool requireValidUser = false;
    SourceLocation where;

    bool admits(const QStringList &roles) const
    {
        if (requireValidUser || requireRoles.contains(QStringLiteral("*")))
            return true;
        for (const QString &role : roles)
            if (requireRoles.contains(role))
                return true;
        return false;
    }
};

} // namespace Postern::Config
