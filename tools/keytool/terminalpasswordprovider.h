#pragma once

// Answers password requests for postern-keytool: from a file named on the command line, or
// else by asking on the terminal with echo off. Never from an argument (it would show in ps).

#include "tls/passwordprovider.h"

namespace Postern::Tools {

class TerminalPasswordProvider final : public Tls::PasswordProvider
{
public:
    // `passwordFile` may be empty: then the terminal is asked, if there is one.
    explicit TerminalPasswordProvider(QString passwordFile) : m_passwordFile(std::move(passwordFile)) {}

    std::optional<QByteArray> password(const QString &purpose) override;

private:
    QString m_passwordFile;
};

} // namespace Postern::Tools
