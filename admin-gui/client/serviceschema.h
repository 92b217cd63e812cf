#pragma once

// What the console knows of service definitions without asking the gateway
// (docs/configuration.md): the service types, which parts apply to which type, and the names
// of properties and options, offered while typing. The gateway stays the judge: it checks
// every change and says what is wrong, so nothing here refuses a value.

#include <QString>
#include <QStringList>

namespace Postern::Admin {

class ServiceSchema final
{
public:
    static QStringList types();
    // One line for a person: what a service of `type` does.
    static QString describe(const QString &type);
    // Only a proxy has a back-end (<connect>, <connect-options>).
    static bool connects(const QString &type);
    // Only a directory serves files (<mime-mapping>).
    static bool servesFiles(const QString &type);
    // An example accept URL for the type, shown in an empty field.
    static QString acceptExample(const QString &type);

    static QStringList propertyNames(const QString &type);
    static QStringList acceptOptionNames();
    static QStringList connectOptionNames();
};

} // namespace Postern::Admin
