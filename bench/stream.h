#pragma once
// One non-blocking connection, plain TCP or TLS (OpenSSL), with the same calls either way:
// what the echo back-end and the load client drive from their epoll loops.
#include <cstddef>
#include <memory>
#include <string>

#include <openssl/ssl.h>

namespace bench {

enum class Io { Ok, WantRead, WantWrite, Closed, Error };

struct SslCtxFree {
    void operator()(SSL_CTX *ctx) const { SSL_CTX_free(ctx); }
};
using SslCtx = std::unique_ptr<SSL_CTX, SslCtxFree>;

// A server context from a PEM certificate chain and key.
SslCtx makeServerContext(const std::string &certificateChain, const std::string &key);
// A client context that verifies the server against caFile only, without session resumption
// (every handshake is a full one).
SslCtx makeClientContext(const std::string &caFile);

class Stream final {
public:
    Stream() = default;
    Stream(const Stream &) = delete;
    Stream &operator=(const Stream &) = delete;
    ~Stream() { reset(); }

    // Takes fd; with a context, TLS as server or as client (verifying host: a name or an IP).
    void attach(int fd, SSL_CTX *ctx = nullptr, bool server = false, const std::string &host = {});
    int fd() const { return m_fd; }
    bool tls() const { return m_ssl != nullptr; }
    Io handshake();
    Io read(char *buffer, std::size_t size, std::size_t &done);
    Io write(const char *data, std::size_t size, std::size_t &done);
    // What the last failure was, for messages.
    std::string error() const { return m_error; }
    void close(bool reset = false);
    void reset() { close(true); }

private:
    Io sslResult(int ret);
    int m_fd = -1;
    SSL *m_ssl = nullptr;
    std::string m_error;
};

} // namespace bench
