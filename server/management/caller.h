#pragma once

// Who sent a management request: the logged-in user, from where, and whether they may change
// things (one of the administrator roles) or only read (the read-only role).

#include <QString>

namespace Postern::Management {

struct Caller
{
    QString user;
    QString address; // "127.0.0.1:51234"
    bool canWrite = false;
    QString auditLog; // where changes are written (the management service's audit.log)
};

} // namespace Postern::Management
