#include "management/sessionoperations.h"

#include "management/clusterdirectory.h"
#include "management/protocol.h"
#include "sessions/sessionregistry.h"
#include "sessions/websocketsession.h"
#include "websocket/opcode.h"

#include <QJsonArray>


namespace Postern::Management {

void SessionOperations::registerOn(OperationTable &table)
{
    table.insert(QStringLiteral("sessions.list"),
                 {false, {}, false, [this](const Params &p, const Caller &, Answer answer) { list(p, std::move(answer)); }});
    table.insert(QStringLiteral("sessions.get"), {false, [this](const Params &p, const Caller &) { return get(p); }});
    table.insert(QStringLiteral("sessions.close"),
                 {true, {}, false, [this](const Params &p, const Caller &c, Answer answer) { close(p, c, std::move(answer)); }});
    m_cluster->setCloseHandler([this](const Params &p, const Caller &c) { return closeHere(p, c); });
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

void SessionOperations::list(const Params &params, Answer answer) const
{
    const auto service = params.string(QStringLiteral("service"), {});
    const auto user = params.string(QStringLiteral("user"), {});
    const auto address = params.string(QStringLiteral("address"), {});
    const auto scope = params.string(QStringLiteral("scope"), QStringLiteral("local"));
    if (const auto error = Params::firstError(service, user, address, scope))
        return answer(std::unexpected(*error));
    if (*scope != u"local" && *scope != u"cluster")
        return answer(std::unexpected(Params::invalid(QStringLiteral("scope"),
                                                      QStringLiteral("params.scope must be local (this node's sessions) "
                                                                     "or cluster (every node's)"))));
    const auto filtered = [service = *service, user = *user, address = *address](const QJsonArray &sessions) {
        QJsonArray list;
        for (const QJsonValue &value : sessions) {
            const QJsonObject session = value.toObject();
            if ((service.isEmpty() || session.value(u"service").toString() == service)
                && (user.isEmpty() || session.value(u"user").toString() == user)
                && (address.isEmpty() || session.value(u"address").toString() == address))
                list.append(session);
        }
        return QJsonObject{{QStringLiteral("sessions"), list}};
    };
    if (*scope == u"cluster") {
        m_cluster->sessions([answer, filtered](const std::expected<QJsonArray, ManagementError> &sessions) {
            answer(sessions ? OperationResult(filtered(*sessions)) : std::unexpected(sessions.error()));
        });
        return;
    }
    QJsonArray list;
    m_gateway->sessions()->forEach([&](const Sessions::WebSocketSession &session) { // in id order
        list.append(sessionJson(session));
    });
    answer(filtered(list));
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

void SessionOperations::close(const Params &params, const Caller &caller, Answer answer)
{
    const auto node = params.string(QStringLiteral("node"), {});
    if (!node)
        return answer(std::unexpected(node.error()));
    if (node->isEmpty() || *node == m_cluster->nodeName())
        return answer(closeHere(params, caller));
    if (m_cluster->nodeName().isEmpty())
        return answer(std::unexpected(ManagementError{ErrorCode::Unavailable,
                                                      QStringLiteral("params.node names node '%1', but this gateway is "
                                                                     "not in a cluster (no <cluster>)").arg(*node),
                                                      QStringLiteral("params.node")}));
    // Checked here first, so that a mistake is not blamed on the other node; it gets the
    // request complete (the default reason names the caller).
    const auto request = closeRequest(params, caller);
    if (!request)
        return answer(std::unexpected(request.error()));
    m_cluster->closeOn(*node, request->toParams(), caller, std::move(answer));
}

std::expected<SessionOperations::CloseRequest, ManagementError> SessionOperations::closeRequest(const Params &params,
                                                                                                  const Caller &caller)
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
    return CloseRequest{ids, *user, quint16(*code), *reason};
}

QJsonObject SessionOperations::CloseRequest::toParams() const
{
    QJsonArray list;
    for (const quint64 id : ids)
        list.append(double(id));
    QJsonObject params{{QStringLiteral("ids"), list}, {QStringLiteral("code"), code}, {QStringLiteral("reason"), reason}};
    if (!user.isEmpty())
        params.insert(QStringLiteral("user"), user);
    return params;
}

OperationResult SessionOperations::closeHere(const Params &params, const Caller &caller)
{
    const auto request = closeRequest(params, caller);
    if (!request)
        return std::unexpected(request.error());
    QList<quint64> ids = request->ids;
    const QString &user = request->user;
    if (!user.isEmpty())
        m_gateway->sessions()->forEach([&](const Sessions::WebSocketSession &session) {
            if (session.connection().user == user && !ids.contains(session.id()))
                ids.append(session.id());
        });
    QJsonArray closed;
    QJsonArray unknown;
    for (const quint64 id : std::as_const(ids)) {
        if (m_gateway->sessions()->close(id, request->code, request->reason))
            closed.append(double(id));
        else
            unknown.append(double(id));
    }
    QJsonObject result{{QStringLiteral("closed"), closed}, {QStringLiteral("unknown"), unknown}};
    if (!m_cluster->nodeName().isEmpty())
        result.insert(QStringLiteral("node"), m_cluster->nodeName());
    return result;
}

} // namespace Postern::Management
