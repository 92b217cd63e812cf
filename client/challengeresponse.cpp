#include "challengeresponse.h"

namespace Postern::Client {

void ChallengeResponse::wipe()
{
    authorization.fill('\0');
    for (auto &[name, value] : headers)
        value.fill('\0');
    for (auto &[name, value] : queryItems)
        value.fill(u'\0');
    for (auto &[name, value] : cookies)
        value.fill('\0');
    *this = ChallengeResponse();
}

} // namespace Postern::Client
