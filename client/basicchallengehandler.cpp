#include "basicchallengehandler.h"

namespace Postern::Client {

bool BasicChallengeHandler::canHandle(const Challenge &challenge) const
{
    return challenge.isScheme(u"Basic") || challenge.isScheme(u"Application Basic");
}

void BasicChallengeHandler::handle(const Challenge &challenge, Reply reply)
{
    const QString scheme = challenge.scheme;
    m_callback(challenge, [reply = std::move(reply), scheme](std::optional<Credentials> credentials) {
        if (!credentials) {
            reply(std::nullopt);
            return;
        }
        ChallengeResponse response;
        response.authorization = authorization(scheme, *credentials);
        credentials->wipe();
        reply(std::move(response));
    });
}

QByteArray BasicChallengeHandler::authorization(const QString &scheme, const Credentials &credentials)
{
    QByteArray password = credentials.password.toUtf8();
    QByteArray pair = credentials.user.toUtf8() + ':' + password;
    QByteArray encoded = pair.toBase64();
    const QByteArray value = scheme.toLatin1() + ' ' + encoded;
    for (QByteArray *secret : {&password, &pair, &encoded})
        secret->fill('\0');
    return value;
}

} // namespace Postern::Client
