#include "services/loginservice.h"

#include "auth/realm.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Postern::Services {

namespace {

using Frontdoor::HttpResponse;

HttpResponse json(int status, const QJsonObject &body)
{
    HttpResponse response;
    response.status = status;
    response.setHeader("Content-Type", "application/json");
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.body = QJsonDocument(body).toJson(QJsonDocument::Compact) + '\n';
    return response;
}

} // namespace

std::optional<HttpResponse> LoginService::screen(const Frontdoor::HttpRequestHead &request,
                                                 const Frontdoor::ConnectionInfo &connection) const
{
    const QByteArray &method = request.method;
    if (method != "GET" && method != "HEAD" && method != "POST" && method != "DELETE") {
        HttpResponse response = HttpResponse::error(405, QStringLiteral("a login service answers GET, POST and DELETE"));
        response.setHeader("Allow", "GET, HEAD, POST, DELETE");
        return response;
    }
    if (method == "GET" || method == "HEAD")
        return std::nullopt; // who is logged in: the login (cookie or credentials) decides
    // A change of who is logged in: only from this service's own pages.
    if (crossOrigin().check(request) != Frontdoor::CrossOriginPolicy::Verdict::SameOrigin)
        return HttpResponse::error(403, QStringLiteral("origin %1 may not log in or out here")
                                            .arg(QString::fromLatin1(request.header("Origin").left(200))));
    if (request.header(kRequestHeader).isNull())
        return HttpResponse::error(403, QStringLiteral("a login or logout must carry the header %1 (forms cannot)")
                                            .arg(QString::fromLatin1(kRequestHeader)));
    if (method == "DELETE") {
        HttpResponse response = json(200, {{QStringLiteral("realm"), realm()->name()}, {QStringLiteral("loggedOut"), true}});
        response.setHeader("Set-Cookie", realm()->sessionCookie()->clearCookie(connection.secure));
        return response;
    }
    return std::nullopt; // POST: the credentials go to the realm's login
}

HttpResponse LoginService::handleHttp(const Frontdoor::HttpRequestHead &, const QString &relativePath,
                                      const Frontdoor::ConnectionInfo &connection)
{
    if (!relativePath.isEmpty() && relativePath != u"/")
        return HttpResponse::error(404);
    // Logged in (the front door checked the credentials or the cookie, and sets a new
    // cookie after a login by credentials).
    const Auth::SessionCookie *cookie = realm()->sessionCookie();
    const QDateTime expires = connection.loginTime.addMSecs(cookie->lifetime().count());
    return json(200, {{QStringLiteral("realm"), realm()->name()},
                      {QStringLiteral("user"), connection.user},
                      {QStringLiteral("roles"), QJsonArray::fromStringList(connection.roles)},
                      {QStringLiteral("loginTime"), connection.loginTime.toUTC().toString(Qt::ISODateWithMs)},
                      {QStringLiteral("expires"), expires.toUTC().toString(Qt::ISODateWithMs)}});
}

} // namespace Postern::Services
