#pragma once

// type "token": the user is whoever a valid JSON Web Token names (see JwtValidator).

#include "auth/jwtvalidator.h"

namespace Postern::Auth {

class TokenLoginModule final : public LoginModule
{
public:
    explicit TokenLoginModule(JwtValidator validator) : m_validator(std::move(validator)) {}
    std::expected<LoginResult, QString> login(const Credentials &credentials) const override;

private:
    JwtValidator m_validator;
};

} // namespace Postern::Auth
