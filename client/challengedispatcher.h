#pragma once

// Chooses among several challenge handlers: the first one added for the challenge's realm
// that can handle its scheme, else the first one added for any realm that can. An
// application registers one handler per kind of login (and per realm where they differ)
// and gives the dispatcher to every connection.

#include "challengehandler.h"

#include <QList>
#include <QString>

#include <memory>

namespace Postern::Client {

class ChallengeDispatcher final : public ChallengeHandler
{
public:
    // `realm` empty: any realm.
    void add(std::shared_ptr<ChallengeHandler> handler, const QString &realm = {});

    ChallengeHandler *handlerFor(const Challenge &challenge) const;
    bool canHandle(const Challenge &challenge) const override { return handlerFor(challenge) != nullptr; }
    void handle(const Challenge &challenge, Reply reply) override;

private:
    struct Entry
    {
        std::shared_ptr<ChallengeHandler> handler;
        QString realm;
    };
    QList<Entry> m_entries;
};

} // namespace Postern::Client
