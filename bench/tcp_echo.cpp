// tcp-echo: the benchmark's TCP echo back-end. Sends every byte back on the connection it
// came from; epoll, one loop per --threads, loopback only.
#include "serverloop.h"

#include <string>
#include <unistd.h>

namespace {

class EchoConnection final {
public:
    EchoConnection(int fd, SSL_CTX *) : m_fd(fd) {}
    ~EchoConnection() { ::close(m_fd); }
    int fd() const { return m_fd; }
    uint32_t wanted() const { return m_pending.empty() ? uint32_t{EPOLLIN} : uint32_t{EPOLLOUT}; }

    bool onEvent(uint32_t events)
    {
        if (events & (EPOLLERR | EPOLLHUP))
            return false;
        if (!m_pending.empty()) {
            if (!flush())
                return false;
            if (!m_pending.empty())
                return true;
        }
        // Read only while everything read so far has been written back: a client that
        // does not read slows down to what it takes back.
        for (;;) {
            const ssize_t n = ::recv(m_fd, m_buffer, sizeof m_buffer, 0);
            if (n == 0)
                return false;
            if (n < 0)
                return errno == EAGAIN || errno == EWOULDBLOCK;
            m_pending.assign(m_buffer, static_cast<std::size_t>(n));
            if (!flush())
                return false;
            if (!m_pending.empty())
                return true;
        }
    }

private:
    bool flush()
    {
        while (!m_pending.empty()) {
            const ssize_t n = ::send(m_fd, m_pending.data(), m_pending.size(), MSG_NOSIGNAL);
            if (n < 0)
                return errno == EAGAIN || errno == EWOULDBLOCK;
            m_pending.erase(0, static_cast<std::size_t>(n));
        }
        return true;
    }
    int m_fd;
    std::string m_pending;
    char m_buffer[65536];
};

} // namespace

int main(int argc, char **argv)
{
    const auto options = bench::parseServerOptions(argc, argv, false, "tcp-echo [--port P] [--threads N]");
    return bench::serve<EchoConnection>(options, "tcp-echo");
}
