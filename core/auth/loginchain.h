#pragma once

// A realm's login modules run in order with JAAS semantics for their `success` flag:
//   required   - must succeed; the chain goes on either way
//   requisite  - must succeed; on failure the chain stops and fails
//   sufficient - on success (no required/requisite failure so far) the chain stops and
//                succeeds; on failure it goes on
//   optional   - need not succeed
// The login succeeds when every required and requisite module did, and, if there were none,
// at least one sufficient or optional module did. The user is the first successful module's;
// the roles are all successful modules'.

#include "auth/loginmodule.h"

#include <QList>

#include <memory>

namespace Postern::Auth {

class LoginChain
{
public:
    enum class Flag { Required, Requisite, Sufficient, Optional };

    static std::optional<Flag> flagFromName(const QString &name);

    void add(std::shared_ptr<const LoginModule> module, Flag flag);
    // The user, or the reason of the module whose failure decided (the first required or
    // requisite one that failed; else the first that failed).
    std::expected<LoginResult, QString> login(const Credentials &credentials) const;
    bool isEmpty() const { return m_modules.isEmpty(); }

private:
    QList<QPair<std::shared_ptr<const LoginModule>, Flag>> m_modules;
};

} // namespace Postern::Auth
