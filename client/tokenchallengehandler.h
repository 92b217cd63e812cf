#pragma once

// Answers "Application Token" challenges (and "Bearer", RFC 6750) with a token from a
// callback the application supplies (an identity provider's access token, say), carried the
// way the realm expects (TokenCarrier). The callback is asked again, with Challenge::attempt
// raised, when the gateway refused the token it gave (it may have expired: fetch a fresh
// one); it answers std::nullopt to give up.

#include "challengehandler.h"
#include "tokencarrier.h"

#include <QByteArray>

namespace Postern::Client {

class TokenChallengeHandler final : public ChallengeHandler
{
public:
    using TokenReply = std::function<void(std::optional<QByteArray>)>;
    using TokenCallback = std::function<void(const Challenge &challenge, TokenReply reply)>;

    explicit TokenChallengeHandler(TokenCallback callback, TokenCarrier carrier = TokenCarrier::authorization())
        : m_callback(std::move(callback)), m_carrier(std::move(carrier))
    {
    }

    bool canHandle(const Challenge &challenge) const override;
    void handle(const Challenge &challenge, Reply reply) override;

    // The response that carries `token` in `carrier` (resolved for the challenge).
    static ChallengeResponse response(const QByteArray &token, const TokenCarrier &carrier);

private:
    TokenCallback m_callback;
    TokenCarrier m_carrier;
};

} // namespace Postern::Client
