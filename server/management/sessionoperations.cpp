#include "management/sessionoperations.h"

#include "management/protocol.h"
#include "sessions/sessionregistry.h"
#include "sessions/websocketsession.h"
#include "websocket/opcode.h"

#include <QJsonArray>

#include <algorithm>

namespace Postern::Management {

void SessionOperations::registerOn(OperationTable &table)
{
    table.insert(QStringLiteral("sessions.list"), {false, [this](const Params &p, const Caller &) { return list(p); }});
    table.insert(QStringLiteral("sessions.get"), {false, [this](const Params &p, const Caller &) { return get(p); }});
    table.insert(QStringLiteral("sessions.close"), {true, [this](const Params &p, const Caller &c) { return close(p, c); }});
}

QJsonObject SessionOperations::sessionJson(const Sessions::WebSocketSession &session)
{
    const Frontdoor::ConnectionInfo &connection = session.connection();
    const auto counters = session.counters();
    QJsonObject json{
        {QStringLiteral("id"), double(session.id())},
        {QStringLiteral("service"), session.serviceName()},
        {QStringLiteral("client"), connection.peer()},
        {QStringLiteral("address"), connection.peerAddress.toString()},
        {QStringLiteral("port"), connection.peerPort},
        {QStringLiteral("origin"), connection.origin},
        {QStringLiteral("user"), connection.user},
        {QStringLiteral("roles"), QJsonArray::fromStringList(connection.roles)},
        {QStringLiteral("startedAt"), session.startedAt().toString(Qt::ISODateWithMs)},
        {QStringLiteral("backend"), session.backend()},
        {QStringLiteral("messagesIn"), double(counters.messagesIn)},
        {QStringLiteral("messagesOut"), double(counters.messagesOut)},
        {QStringLiteral("bytesIn"), double(counters.bytesIn)},
        {QStringLiteral("bytesOut"), double(counters.bytesOut)},
        {QStringLiteral("queuedBytes"), double(session.queuedBytes())},
        {QStringLiteral("droppedMessages"), double(session.droppedMessages())},
    };
    if (connection.secure)
        json.insert(QStringLiteral("tls"), QJsonObject{{QStringLiteral("protocol"), connection.tlsProtocol},
                                                       {QStringLiteral("cipher"), connection.tlsCipher},
                                                       {QStringLiteral("serverName"), connection.serverName},
                                                       {QStringLiteral("clientCertificate"), connection.clientCertificateSubject}});
    if (connection.loginTime.isValid())
        json.insert(QStringLiteral("loginTime"), connection.loginTime.toString(Qt::ISODateWithMs));
    return json;
}

OperationResult SessionOperations::list(const Params &params) const
{
    const auto service = params.string(QStringLiteral("service"), {});
    const auto user = params.string(QStringLiteral("user"), {});
    const auto address = params.string(QStringLiteral("address"), {});
    for (const auto *filter : {&service, &user, &address})
        if (!*filter)
            return std::unexpected(filter->error());
    QJsonArray list;
    m_gateway->sessions()->forEach([&](const Sessions::WebSocketSession &session) { // in id order
        if ((!service->isEmpty() && session.serviceName() != *service)
            || (!user->isEmpty() && session.connection().user != *user)
            || (!address->isEmpty() && session.connection().peerAddress.toString() != *address))
            return;
        list.append(sessionJson(session));
    });
    return QJsonObject{{QStringLiteral("sessions"), list}};
}

OperationResult SessionOperations::get(const Params &params) const
{
    const auto id = params.integer(QStringLiteral("id"), -1, 1, std::numeric_limits<qint32>::max());
    if (!id)
        return std::unexpected(id.error());
    QJsonObject json;
    if (!m_gateway->sessions()->withSession(quint64(*id), [&](const Sessions::WebSocketSession &session) {
            json = sessionJson(session);
        }))
        return std::unexpected(ManagementError{ErrorCode::NotFound, QStringLiteral("there is no session %1").arg(*id),
                                               QStringLiteral("params.id")});
    return json;
}

OperationResult SessionOperations::close(const Params &params, const Caller &caller)
{
    const auto user = params.string(QStringLiteral("user"), {});
    const auto reason = params.string(QStringLiteral("reason"), QStringLiteral("closed by %1").arg(caller.user));
    const auto code = params.integer(QStringLiteral("code"), WebSocket::CloseCode::PolicyViolation, 1000, 4999);
    if (const auto error = Params::firstError(user, reason))
        return std::unexpected(*error);
    if (!code || !WebSocket::isValidCloseCodeOnWire(quint16(*code)))
        return std::unexpected(Params::invalid(QStringLiteral("code"), QStringLiteral("params.code must be a close code a "
                                                                                      "peer may be sent (1000-1003, "
                                                                                      "1007-1014, 3000-4999)")));
    // Session ids are whole numbers from 1; JSON numbers hold them exactly up to 2^53.
    const auto given = params.integers(QStringLiteral("ids"), 1, qint64(1) << 53);
    if (!given)
        return std::unexpected(given.error());
    QList<quint64> ids;
    for (const qint64 id : *given)
        ids.append(quint64(id));
    if (ids.isEmpty() && user->isEmpty())
        return std::unexpected(Params::invalid(QStringLiteral("ids"), QStringLiteral("name the sessions: params.ids or params.user")));
    if (!user->isEmpty())
        m_gateway->sessions()->forEach([&](const Sessions::WebSocketSession &session) {
            if (session.connection().user == *user && !ids.contains(session.id()))
                ids.append(session.id());
        });
    QJsonArray closed;
    QJsonArray unknown;
    for (const quint64 id : std::as_const(ids)) {
        if (m_gateway->sessions()->close(id, quint16(*code), *reason))
            closed.append(double(id));
        else
            unknown.append(double(id));
    }
    return QJsonObject{{QStringLiteral("closed"), closed}, {QStringLiteral("unknown"), unknown}};
}

} // namespace Postern::Management
