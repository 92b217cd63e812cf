#pragma once

// A <service> element as the management API shows and takes it: JSON whose values are the
// texts written in the file (sizes as "128k", properties with their ${...}), so an edit
// round-trips what the administrator wrote. The JSON form:
//
//   {"name": "chat", "description": "...", "type": "proxy", "enabled": true,
//    "accept": ["wss://localhost:9000/chat"], "connect": "ws://chat.internal:8080/",
//    "properties": {"connect.strategy": "immediate"},
//    "acceptOptions": {"ws.maximum.message.size": "128k"}, "connectOptions": {...},
//    "realm": "demo", "authorization": {"requireRoles": ["AUTHORIZED"], "requireValidUser": false},
//    "crossSite": [{"allowOrigin": "https://app.example.com", "allowMethods": "GET",
//                   "allowHeaders": "", "maximumAge": ""}],
//    "mimeMappings": [{"extension": "md", "mimeType": "text/markdown"}]}
//
// toXml() writes the element in the order of KAAZING's schema, one value a line, and says
// which line holds which field, so that the configuration loader's errors (by line) can be
// told back as fields.

#include <QHash>
#include <QJsonObject>
#include <QString>

#include <expected>

namespace Postern::Config {

class ServiceDefinition
{
public:
    struct Problem
    {
        QString message;
        QString field; // "accept[1]", "properties.directory"
    };

    struct Xml
    {
        QString text;                // "<service>\n ... </service>", the first line not indented
        QHash<int, QString> fields;  // 0-based line within `text` -> field
    };

    // The JSON of a <service> element's text (as ConfigDocument::serviceText gives it).
    static std::expected<QJsonObject, QString> fromXml(const QString &element);
    // The element for `service`; `indent` is what the file indents services with. Wrong
    // types and missing required members are problems with their field.
    static std::expected<Xml, Problem> toXml(const QJsonObject &service, const QString &indent);
};

} // namespace Postern::Config
