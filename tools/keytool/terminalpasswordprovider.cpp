#include "terminalpasswordprovider.h"

#include "tls/keystore.h"

#include <cstdio>
#include <termios.h>
#include <unistd.h>

namespace Postern::Tools {

std::optional<QByteArray> TerminalPasswordProvider::password(const QString &purpose)
{
    if (!m_passwordFile.isEmpty()) {
        const auto password = Tls::Keystore::readPasswordFile(m_passwordFile);
        if (!password)
            return std::nullopt;
        return *password;
    }
    if (!::isatty(STDIN_FILENO))
        return std::nullopt;
    std::fprintf(stderr, "Password for %s: ", purpose.toLocal8Bit().constData());
    std::fflush(stderr);
    termios saved = {};
    ::tcgetattr(STDIN_FILENO, &saved);
    termios silent = saved;
    silent.c_lflag &= ~tcflag_t(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent);
    char buffer[1024] = {};
    const bool read = std::fgets(buffer, sizeof buffer, stdin) != nullptr;
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::fputc('\n', stderr);
    if (!read)
        return std::nullopt;
    QByteArray result(buffer);
    std::fill(std::begin(buffer), std::end(buffer), '\0');
    while (result.endsWith('\n') || result.endsWith('\r'))
        result.chop(1);
    return result;
}

} // namespace Postern::Tools
