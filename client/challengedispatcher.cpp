#include "challengedispatcher.h"

namespace Postern::Client {

void ChallengeDispatcher::add(std::shared_ptr<ChallengeHandler> handler, const QString &realm)
{
    m_entries.append({std::move(handler), realm});
}

ChallengeHandler *ChallengeDispatcher::handlerFor(const Challenge &challenge) const
{
    for (const Entry &entry : m_entries)
        if (!entry.realm.isEmpty() && entry.realm == challenge.realm && entry.handler->canHandle(challenge))
            return entry.handler.get();
    for (const Entry &entry : m_entries)
        if (entry.realm.isEmpty() && entry.handler->canHandle(challenge))
            return entry.handler.get();
    return nullptr;
}

void ChallengeDispatcher::handle(const Challenge &challenge, Reply reply)
{
    if (ChallengeHandler *handler = handlerFor(challenge))
        handler->handle(challenge, std::move(reply));
    else
        reply(std::nullopt);
}

} // namespace Postern::Client
