#pragma once

// Where a token goes in a WebSocket handshake: the Authorization header ("Bearer <token>",
// which the gateway always reads), another header, a query parameter or a cookie. Browsers
// cannot set headers on a WebSocket handshake, so their tokens travel in the last two; the
// realm's challenge names the ones it reads (Challenge parameters "header", "parameter" and
// "cookie"), which advertised() follows.

#include <QByteArray>

namespace Postern::Client {

struct Challenge;

struct TokenCarrier
{
    enum class Kind { Authorization, Header, QueryParameter, Cookie, Advertised };

    Kind kind = Kind::Authorization;
    QByteArray name; // the header, parameter or cookie name

    static TokenCarrier authorization() { return {Kind::Authorization, {}}; }
    static TokenCarrier header(const QByteArray &name) { return {Kind::Header, name}; }
    static TokenCarrier queryParameter(const QByteArray &name) { return {Kind::QueryParameter, name}; }
    static TokenCarrier cookie(const QByteArray &name) { return {Kind::Cookie, name}; }
    // The header the challenge names, else its cookie, else its query parameter (the one
    // most likely to end up in an access log comes last), else Authorization.
    static TokenCarrier advertised() { return {Kind::Advertised, {}}; }

    // This carrier for a given challenge: Advertised resolved to one of the others.
    TokenCarrier resolvedFor(const Challenge &challenge) const;
};

} // namespace Postern::Client
