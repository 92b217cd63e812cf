#include "stream.h"

#include "net.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

namespace bench {

static std::string sslErrors()
{
    std::string text;
    while (const unsigned long code = ERR_get_error()) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        text += text.empty() ? buffer : std::string("; ") + buffer;
    }
    return text.empty() ? std::string(std::strerror(errno)) : text;
}

SslCtx makeServerContext(const std::string &certificateChain, const std::string &key)
{
    SslCtx ctx(SSL_CTX_new(TLS_server_method()));
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    if (SSL_CTX_use_certificate_chain_file(ctx.get(), certificateChain.c_str()) != 1
        || SSL_CTX_use_PrivateKey_file(ctx.get(), key.c_str(), SSL_FILETYPE_PEM) != 1)
        die("cannot load " + certificateChain + " / " + key + ": " + sslErrors());
    SSL_CTX_set_mode(ctx.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    return ctx;
}

SslCtx makeClientContext(const std::string &caFile)
{
    SslCtx ctx(SSL_CTX_new(TLS_client_method()));
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    if (SSL_CTX_load_verify_locations(ctx.get(), caFile.c_str(), nullptr) != 1)
        die("cannot load the CA file " + caFile + ": " + sslErrors());
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET);
    SSL_CTX_set_mode(ctx.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    return ctx;
}

void Stream::attach(int fd, SSL_CTX *ctx, bool server, const std::string &host)
{
    close(true);
    m_fd = fd;
    m_error.clear();
    if (!ctx)
        return;
    m_ssl = SSL_new(ctx);
    SSL_set_fd(m_ssl, fd);
    if (server) {
        SSL_set_accept_state(m_ssl);
        return;
    }
    SSL_set_connect_state(m_ssl);
    in_addr ip{};
    if (inet_pton(AF_INET, host.c_str(), &ip) == 1) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(m_ssl), host.c_str());
    } else {
        SSL_set_tlsext_host_name(m_ssl, host.c_str());
        SSL_set1_host(m_ssl, host.c_str());
    }
}

Io Stream::sslResult(int ret)
{
    switch (SSL_get_error(m_ssl, ret)) {
    case SSL_ERROR_WANT_READ:
        return Io::WantRead;
    case SSL_ERROR_WANT_WRITE:
        return Io::WantWrite;
    case SSL_ERROR_ZERO_RETURN:
        return Io::Closed;
    case SSL_ERROR_SYSCALL:
        m_error = errno ? std::strerror(errno) : "connection closed";
        ERR_clear_error();
        return errno ? Io::Error : Io::Closed;
    default:
        m_error = sslErrors();
        const long verify = SSL_get_verify_result(m_ssl);
        if (verify != X509_V_OK)
            m_error += std::string(" (certificate: ") + X509_verify_cert_error_string(verify) + ")";
        return Io::Error;
    }
}

Io Stream::handshake()
{
    if (!m_ssl)
        return Io::Ok;
    ERR_clear_error();
    errno = 0;
    const int ret = SSL_do_handshake(m_ssl);
    return ret == 1 ? Io::Ok : sslResult(ret);
}

Io Stream::read(char *buffer, std::size_t size, std::size_t &done)
{
    done = 0;
    if (m_ssl) {
        ERR_clear_error();
        errno = 0;
        const int ret = SSL_read_ex(m_ssl, buffer, size, &done);
        return ret == 1 ? Io::Ok : sslResult(ret);
    }
    const ssize_t n = ::recv(m_fd, buffer, size, 0);
    if (n > 0) {
        done = static_cast<std::size_t>(n);
        return Io::Ok;
    }
    if (n == 0)
        return Io::Closed;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
        return Io::WantRead;
    m_error = std::strerror(errno);
    return Io::Error;
}

Io Stream::write(const char *data, std::size_t size, std::size_t &done)
{
    done = 0;
    if (m_ssl) {
        ERR_clear_error();
        errno = 0;
        const int ret = SSL_write_ex(m_ssl, data, size, &done);
        return ret == 1 ? Io::Ok : sslResult(ret);
    }
    const ssize_t n = ::send(m_fd, data, size, MSG_NOSIGNAL);
    if (n >= 0) {
        done = static_cast<std::size_t>(n);
        return Io::Ok;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK)
        return Io::WantWrite;
    m_error = std::strerror(errno);
    return Io::Error;
}

void Stream::close(bool reset)
{
    if (m_ssl) {
        SSL_free(m_ssl);
        m_ssl = nullptr;
    }
    if (m_fd >= 0) {
        if (reset)
            closeWithReset(m_fd);
        else
            ::close(m_fd);
        m_fd = -1;
    }
}

} // namespace bench
