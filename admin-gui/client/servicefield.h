#pragma once

// Which part of a service definition a message is about: what the server's error `field`
// ("service.accept[1]", "service.acceptOptions.ws.maximum.message.size", "params.revision")
// names, in terms of what the console's form shows, so an error can be shown where the user
// typed the value, with a label a person recognises.

#include <QString>

namespace Postern::Admin {

struct ServiceField
{
    enum class Kind {
        None,             // not about one part of the service (or not about a service at all)
        Service,          // the service as a whole
        Revision,         // the configuration changed meanwhile
        Name,
        Description,
        Type,
        Accept,           // index: the URL's position, -1 for the list
        Connect,
        Realm,
        RequiredRoles,    // index: the role's position
        RequireValidUser,
        AllowedOrigins,   // index: the cross-site constraint's position
        Properties,       // key: the property's name, empty for the block
        AcceptOptions,    // key: the option's name
        ConnectOptions,   // key: the option's name
        MimeMappings,     // index: the mapping's position
    };

    Kind kind = Kind::None;
    int index = -1;
    QString key;

    // From an error's `field` as the management API writes it.
    static ServiceField fromError(const QString &field);
    // What the form calls it: "Accept URL 2", "Accept option ws.maximum.message.size".
    QString label() const;

    bool operator==(const ServiceField &other) const = default;
};

} // namespace Postern::Admin
