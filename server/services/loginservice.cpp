#include "services/loginservice.h"

#include "auth/realm.h"
#include "frontdoor/credentialreader.h"
#include "logging.h"

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
    if (method == "GET" || method == "HEAD") {
        // Who is logged in, by the single sign-on cookie alone. Credentials here would make a
        // link a login: <a href="https://gateway/login?access_token=…"> would log the visitor's
        // browser in as whoever the token belongs to (login CSRF). A login is a POST.
        if (realm() && Frontdoor::CredentialReader::presentsSecrets(request, *realm()))
            return HttpResponse::error(403, QStringLiteral("a %1 here only reads the single sign-on cookie and takes no "
                                                           "credentials; log in with a POST")
                                                .arg(QString::fromLatin1(method)));
        return std::nullopt;
    }
    // A change of who is logged in: only from this service's own pages.
    if (crossOrigin().check(request) != Frontdoor::CrossOriginPolicy::Verdict::SameOrigin)
        return HttpResponse::error(403, QStringLiteral("origin %1 may not log in or out here")
                                            .arg(QString::fromLatin1(request.header("Origin").left(200))));
    if (request.header(kRequestHeader).isNull())
        return HttpResponse::error(403, QStringLiteral("a login or logout must carry the header %1 (forms cannot)")
                                            .arg(QString::fromLatin1(kRequestHeader)));
    if (method == "DELETE") {
        // The cookie is a signed token that stays valid until it expires wherever it was
        // copied to; revoking it ends the login itself, not only this browser's copy.
        bool revoked = false;
        if (const Auth::SessionCookie *cookie = realm()->sessionCookie()) {
            const QByteArray value = request.cookie(cookie->name().toLatin1());
            if (!value.isEmpty()) {
                const auto dropped = cookie->revoke(value, QDateTime::currentDateTimeUtc());
                revoked = dropped.has_value();
                if (revoked)
                    qCInfo(lcService).noquote() << QStringLiteral("realm '%1': %2 logged out; its single sign-on cookie is revoked")
                                                       .arg(realm()->name(), connection.peer());
                if (dropped && *dropped > 0)
                    qCWarning(lcService).noquote()
                        << QStringLiteral("realm '%1': the list of logged-out single sign-on cookies is full; the %2 that "
                                          "expire soonest were dropped from it, and are logins again until they expire")
                               .arg(realm()->name()).arg(*dropped);
            }
        }
        HttpResponse response = json(200, {{QStringLiteral("realm"), realm()->name()},
                                           {QStringLiteral("loggedOut"), true},
                                           {QStringLiteral("revoked"), revoked}});
        response.clearSessionCookie = true; // the front door writes it, Secure as it set it
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
