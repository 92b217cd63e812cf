#pragma once

// Answers the challenges of a 401. The client asks the handler for an answer and tries again
// with it, as many times as it allows; the handler may answer at once or later (after a login
// dialog, a token refresh) and may give up. Handlers are the application's: the library has
// BasicChallengeHandler and TokenChallengeHandler, ChallengeDispatcher chooses among several,
// and any other HTTP scheme is a subclass away (docs/clients.md has one).

#include "challenge.h"
#include "challengeresponse.h"

#include <functional>
#include <optional>

namespace Postern::Client {

class ChallengeHandler
{
public:
    // Called once: with the answer, or std::nullopt to give up. Safe to call after the
    // connection was abandoned (it is then ignored).
    using Reply = std::function<void(std::optional<ChallengeResponse>)>;

    virtual ~ChallengeHandler() = default;

    virtual bool canHandle(const Challenge &challenge) const = 0;
    virtual void handle(const Challenge &challenge, Reply reply) = 0;
};

} // namespace Postern::Client
