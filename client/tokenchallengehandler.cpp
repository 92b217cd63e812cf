#include "tokenchallengehandler.h"

namespace Postern::Client {

bool TokenChallengeHandler::canHandle(const Challenge &challenge) const
{
    return challenge.isScheme(u"Application Token") || challenge.isScheme(u"Bearer");
}

void TokenChallengeHandler::handle(const Challenge &challenge, Reply reply)
{
    const TokenCarrier carrier = m_carrier.resolvedFor(challenge);
    m_callback(challenge, [reply = std::move(reply), carrier](std::optional<QByteArray> token) {
        if (!token || token->isEmpty()) {
            reply(std::nullopt);
            return;
        }
        ChallengeResponse answer = response(*token, carrier);
        token->fill('\0');
        reply(std::move(answer));
    });
}

ChallengeResponse TokenChallengeHandler::response(const QByteArray &token, const TokenCarrier &carrier)
{
    ChallengeResponse response;
    switch (carrier.kind) {
    case TokenCarrier::Kind::Header:
        response.headers.append({carrier.name, token});
        break;
    case TokenCarrier::Kind::QueryParameter:
        // Percent-encoded (as UTF-8) by the client when it builds the URL: any byte arrives as sent.
        response.queryItems.append({QString::fromLatin1(carrier.name), QString::fromUtf8(token)});
        break;
    case TokenCarrier::Kind::Cookie:
        response.cookies.append({carrier.name, token});
        break;
    case TokenCarrier::Kind::Authorization:
    case TokenCarrier::Kind::Advertised: // resolved before; Authorization is always read
        response.authorization = "Bearer " + token;
        break;
    }
    return response;
}

} // namespace Postern::Client
