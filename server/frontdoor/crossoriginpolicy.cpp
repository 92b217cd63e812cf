#include "frontdoor/crossoriginpolicy.h"

namespace Postern::Frontdoor {

CrossOriginPolicy::CrossOriginPolicy(const Config::ServiceConfig &service)
    : m_constraints(service.crossSiteConstraints)
{
    for (const QUrl &accept : service.accepts) {
        const bool secure = accept.scheme() == u"wss" || accept.scheme() == u"https";
        const QString origin = (secure ? QStringLiteral("https://") : QStringLiteral("http://")) + accept.host()
            + u':' + QString::number(accept.port(secure ? 443 : 80));
        if (const auto normalised = Config::CrossSiteConstraint::normaliseOrigin(origin))
            m_ownOrigins.insert(*normalised);
    }
}

const Config::CrossSiteConstraint *CrossOriginPolicy::constraintFor(const QString &origin) const
{
    const Config::CrossSiteConstraint *wildcard = nullptr;
    for (const auto &constraint : m_constraints) {
        if (constraint.allowOrigin == origin)
            return &constraint;
        if (constraint.allowOrigin == u"*")
            wildcard = &constraint;
    }
    return wildcard;
}

CrossOriginPolicy::Verdict CrossOriginPolicy::check(const HttpRequestHead &request) const
{
    const QByteArray header = request.header("Origin");
    if (header.isNull())
        return Verdict::SameOrigin;
    const auto origin = Config::CrossSiteConstraint::normaliseOrigin(QString::fromLatin1(header));
    if (!origin)
        return Verdict::Refused; // a malformed Origin is nobody's
    if (m_ownOrigins.contains(*origin))
        return Verdict::SameOrigin;
    return constraintFor(*origin) ? Verdict::Allowed : Verdict::Refused;
}

bool CrossOriginPolicy::isPreflight(const HttpRequestHead &request)
{
    return request.method == "OPTIONS" && request.hasHeader("Origin")
        && request.hasHeader("Access-Control-Request-Method");
}

HttpResponse CrossOriginPolicy::preflight(const HttpRequestHead &request) const
{
    const QByteArray origin = request.header("Origin");
    const auto normalised = Config::CrossSiteConstraint::normaliseOrigin(QString::fromLatin1(origin));
    const Config::CrossSiteConstraint *constraint = normalised ? constraintFor(*normalised) : nullptr;
    if (normalised && m_ownOrigins.contains(*normalised) && !constraint) {
        // A same-origin preflight (a page asking about its own server): allow what it asks.
        HttpResponse response;
        response.status = 204;
        response.setHeader("Access-Control-Allow-Origin", origin);
        response.setHeader("Access-Control-Allow-Methods", request.header("Access-Control-Request-Method"));
        if (const QByteArray headers = request.header("Access-Control-Request-Headers"); !headers.isEmpty())
            response.setHeader("Access-Control-Allow-Headers", headers);
        response.setHeader("Vary", "Origin");
        return response;
    }
    if (!constraint)
        return HttpResponse::error(403, QStringLiteral("origin %1 is not allowed").arg(QString::fromLatin1(origin)));
    const QString method = QString::fromLatin1(request.header("Access-Control-Request-Method")).trimmed().toUpper();
    if (!constraint->allowMethods.contains(method))
        return HttpResponse::error(403, QStringLiteral("method %1 is not allowed from %2")
                                            .arg(method, QString::fromLatin1(origin)));
    for (const QByteArray &part : request.header("Access-Control-Request-Headers").split(',')) {
        const QString header = QString::fromLatin1(part).trimmed().toLower();
        if (!header.isEmpty() && !constraint->allowHeaders.contains(header))
            return HttpResponse::error(403, QStringLiteral("header %1 is not allowed from %2")
                                                .arg(header, QString::fromLatin1(origin)));
    }
    HttpResponse response;
    response.status = 204;
    response.setHeader("Access-Control-Allow-Origin", constraint->allowOrigin == u"*" ? QByteArray("*") : origin);
    response.setHeader("Access-Control-Allow-Methods", constraint->allowMethods.join(QStringLiteral(", ")).toLatin1());
    if (!constraint->allowHeaders.isEmpty())
        response.setHeader("Access-Control-Allow-Headers", constraint->allowHeaders.join(QStringLiteral(", ")).toLatin1());
    if (constraint->maximumAgeSeconds)
        response.setHeader("Access-Control-Max-Age", QByteArray::number(*constraint->maximumAgeSeconds));
    response.setHeader("Vary", "Origin");
    return response;
}

void CrossOriginPolicy::decorate(HttpResponse &response, const HttpRequestHead &request) const
{
    if (!m_constraints.isEmpty())
        response.setHeader("Vary", "Origin"); // the answer depends on who asks: caches must know
    if (check(request) != Verdict::Allowed)
        return;
    const auto origin = Config::CrossSiteConstraint::normaliseOrigin(QString::fromLatin1(request.header("Origin")));
    const Config::CrossSiteConstraint *constraint = constraintFor(*origin);
    response.setHeader("Access-Control-Allow-Origin",
                       constraint->allowOrigin == u"*" ? QByteArray("*") : request.header("Origin"));
}

} // namespace Postern::Frontdoor
