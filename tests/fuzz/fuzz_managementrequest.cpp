// Fuzz target: the management protocol's decoders (core/management: a request as the server
// reads it, a server message as a console reads it) and the server's params validation
// (server/management/params) as the operations use it, with a service definition in the
// params taken as far as services.create takes it: written as XML, spliced into a document
// and loaded. Everything a console or script sends must be answered with a result or an
// error naming the problem, never a crash.

#include "config/configdocument.h"
#include "config/configloader.h"
#include "config/servicedefinition.h"
#include "management/managementrequest.h"
#include "management/params.h"
#include "management/servermessage.h"

#include <QJsonDocument>

#include <cstdint>
#include <cstdlib>
#include <limits>

using namespace Postern;
using namespace Postern::Management;

namespace {

void expectNamed(const ManagementError &error)
{
    if (error.code.isEmpty() || error.message.isEmpty())
        std::abort();
}

template<typename T>
void check(const std::expected<T, ManagementError> &result)
{
    if (!result)
        expectNamed(result.error());
}

// Each getter on each name the operations use, over the ranges they use and the extremes.
void readParams(const Params &params)
{
    constexpr qint64 kMin = std::numeric_limits<qint64>::min();
    constexpr qint64 kMax = std::numeric_limits<qint64>::max();
    for (const QString &name : params.json().keys() + QStringList{QStringLiteral("id"), QStringLiteral("ids")}) {
        check(params.string(name));
        check(params.string(name, QStringLiteral("fallback")));
        check(params.strings(name));
        check(params.integer(name, 0, 1, 3650));
        check(params.integer(name, 0, 1000, 4999));
        check(params.integer(name, 0, 1, qint64(1) << 53));
        check(params.integer(name, 0, kMin, kMax));
        check(params.integers(name, 1, qint64(1) << 53));
        check(params.integers(name, kMin, kMax));
        check(params.boolean(name, false));
        check(params.object(name));
        check(params.bytes(name));
    }
}

// services.create and services.update: the service in the params becomes an element of the
// configuration, which is then loaded as a reload would.
void createService(const Params &params)
{
    const auto service = params.object(QStringLiteral("service"));
    if (!service)
        return;
    auto document = Config::ConfigDocument::fromText(
        QByteArrayLiteral("<?xml version=\"1.0\"?>\n<gateway-config>\n  <service>\n    <name>existing</name>\n"
                          "    <accept>ws://localhost:8000/echo</accept>\n    <type>echo</type>\n  </service>\n"
                          "</gateway-config>\n"));
    if (!document)
        std::abort(); // the fixed document above is well-formed
    const auto xml = Config::ServiceDefinition::toXml(*service, document->serviceIndent());
    if (!xml) {
        if (xml.error().message.isEmpty())
            std::abort();
        return;
    }
    if (!document->addService(xml->text))
        return;
    (void)Config::ConfigLoader::loadData(document->text(),
                                         QStringLiteral("/nonexistent/postern-fuzz/gateway-config.xml"));
    for (const auto &element : document->services())
        (void)Config::ServiceDefinition::fromXml(document->serviceText(element));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView text(reinterpret_cast<const char *>(data), qsizetype(size));

    // The console's side: whatever a server sends.
    if (const auto message = ServerMessage::parse(text); message && message->kind == ServerMessage::Kind::Error)
        (void)message->error.toJson();

    // The server's side.
    const auto request = ManagementRequest::parse(text);
    if (!request) {
        expectNamed(request.error().second);
        (void)ServerMessage::errorJson(request.error().first, request.error().second);
        return 0;
    }
    if (request->operation.isEmpty() || !(request->id.isString() || request->id.isDouble()))
        std::abort();
    // A request as the console writes it must read back as the same request. The params are
    // compared as JSON text: Qt 6.4's QJsonObject::operator== can call equal objects unequal
    // when their strings are stored differently (regressions/managementrequest/qt-json-compare).
    const auto again = ManagementRequest::parse(request->toJson());
    if (!again || again->operation != request->operation
        || QJsonDocument(again->params).toJson() != QJsonDocument(request->params).toJson())
        std::abort();
    const Params params(request->params);
    readParams(params);
    createService(params);
    return 0;
}
