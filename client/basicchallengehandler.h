#pragma once

// Answers "Basic" and "Application Basic" challenges (RFC 7617; KAAZING's Application Basic
// is the same encoding under a name browsers do not answer with their own dialog) with a user
// name and password from a callback the application supplies: the console's login dialog is
// one. The callback is asked again, with Challenge::attempt raised, when the gateway refuses
// what it gave; it answers std::nullopt to give up.

#include "challengehandler.h"
#include "credentials.h"

namespace Postern::Client {

class BasicChallengeHandler final : public ChallengeHandler
{
public:
    using CredentialsReply = std::function<void(std::optional<Credentials>)>;
    using CredentialsCallback = std::function<void(const Challenge &challenge, CredentialsReply reply)>;

    explicit BasicChallengeHandler(CredentialsCallback callback) : m_callback(std::move(callback)) {}

    bool canHandle(const Challenge &challenge) const override;
    void handle(const Challenge &challenge, Reply reply) override;

    // "<scheme> base64(user:password)" in UTF-8 (RFC 7617 §2.1).
    static QByteArray authorization(const QString &scheme, const Credentials &credentials);

private:
    CredentialsCallback m_callback;
};

} // namespace Postern::Client
