#pragma once
// The loop both echo back-ends run: --threads threads, each with its own epoll and its own
// SO_REUSEPORT listener on the same loopback port. Connection is a class with
//   Connection(int fd, SSL_CTX *tls);  bool onEvent(uint32_t epollEvents);  uint32_t wanted() const;
// onEvent returning false closes the connection.
#include "net.h"
#include "stream.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <thread>
#include <vector>

namespace bench {

struct ServerOptions {
    uint16_t port = 0;
    int threads = 1;
    std::string certificate;
    std::string key;
};

inline ServerOptions parseServerOptions(int argc, char **argv, bool tlsAllowed, const char *usage)
{
    ServerOptions options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool hasValue = i + 1 < argc;
        if (arg == "--port" && hasValue)
            options.port = static_cast<uint16_t>(std::stoi(argv[++i]));
        else if (arg == "--threads" && hasValue)
            options.threads = std::max(1, std::stoi(argv[++i]));
        else if (tlsAllowed && arg == "--cert" && hasValue)
            options.certificate = argv[++i];
        else if (tlsAllowed && arg == "--key" && hasValue)
            options.key = argv[++i];
        else
            die(std::string("unknown or incomplete option '") + arg + "'\nusage: " + usage);
    }
    if (options.certificate.empty() != options.key.empty())
        die("--cert and --key go together");
    return options;
}

template <typename Connection>
void serveThread(int listener, SSL_CTX *tls)
{
    const int epoll = epoll_create1(EPOLL_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = nullptr;
    epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &ev);
    std::vector<epoll_event> events(512);
    for (;;) {
        const int n = epoll_wait(epoll, events.data(), static_cast<int>(events.size()), -1);
        for (int i = 0; i < n; ++i) {
            auto *connection = static_cast<Connection *>(events[i].data.ptr);
            if (!connection) {
                for (;;) {
                    const int fd = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (fd < 0)
                        break;
                    setNoDelay(fd);
                    auto *accepted = new Connection(fd, tls);
                    epoll_event add{};
                    add.events = accepted->wanted();
                    add.data.ptr = accepted;
                    epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &add);
                }
                continue;
            }
            const uint32_t before = connection->wanted();
            if (!connection->onEvent(events[i].events)) {
                delete connection; // closing the descriptor removes it from the epoll set
                continue;
            }
            if (connection->wanted() != before) {
                epoll_event mod{};
                mod.events = connection->wanted();
                mod.data.ptr = connection;
                epoll_ctl(epoll, EPOLL_CTL_MOD, connection->fd(), &mod);
            }
        }
    }
}

template <typename Connection>
int serve(const ServerOptions &options, const char *name)
{
    raiseFileLimit();
    SslCtx tls;
    if (!options.certificate.empty())
        tls = makeServerContext(options.certificate, options.key);
    std::vector<int> listeners{listenOn("127.0.0.1", options.port)};
    const uint16_t port = localPort(listeners.front());
    for (int i = 1; i < options.threads; ++i)
        listeners.push_back(listenOn("127.0.0.1", port));
    std::printf("%s listening on 127.0.0.1:%u (%s, %d thread(s))\n", name, port, tls ? "TLS" : "plain",
                options.threads);
    std::fflush(stdout);
    std::vector<std::thread> threads;
    for (const int listener : listeners)
        threads.emplace_back(serveThread<Connection>, listener, tls.get());
    for (auto &thread : threads)
        thread.join();
    return 0;
}

} // namespace bench
