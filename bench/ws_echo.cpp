// ws-echo: the benchmark's WebSocket echo back-end, a minimal RFC 6455 server. It answers
// the upgrade, unmasks client frames and sends text and binary frames back as they came
// (fragments stay fragments), answers pings with pongs and a close with a close. With
// --cert/--key it speaks TLS (wss), for the direct path of the benchmark's wss figures.
#include "serverloop.h"
#include "wsproto.h"

#include <string>

namespace {

constexpr std::size_t kMaxHead = 16 * 1024;
constexpr std::size_t kMaxFrame = 16 * 1024 * 1024;
constexpr std::size_t kOutputHigh = 1024 * 1024;

class WsConnection final {
public:
    WsConnection(int fd, SSL_CTX *tls) { m_stream.attach(fd, tls, true); }
    int fd() const { return m_stream.fd(); }
    uint32_t wanted() const
    {
        uint32_t events = m_out.size() > m_outOffset || m_sslWantsWrite ? uint32_t{EPOLLOUT} : 0u;
        if (m_out.size() - m_outOffset < kOutputHigh)
            events |= EPOLLIN;
        return events;
    }

    bool onEvent(uint32_t events)
    {
        if (events & EPOLLERR)
            return false;
        m_sslWantsWrite = false;
        if (!m_handshaken) {
            const bench::Io io = m_stream.handshake();
            if (io == bench::Io::WantWrite)
                m_sslWantsWrite = true;
            if (io != bench::Io::Ok)
                return io == bench::Io::WantRead || io == bench::Io::WantWrite;
            m_handshaken = true;
        }
        if (!flush())
            return false;
        while (m_out.size() - m_outOffset < kOutputHigh) {
            std::size_t n = 0;
            const std::size_t free = std::max<std::size_t>(m_in.size() - m_inLength, 0);
            if (free < 65536)
                m_in.resize(m_inLength + 65536);
            const bench::Io io = m_stream.read(m_in.data() + m_inLength, m_in.size() - m_inLength, n);
            if (io == bench::Io::WantRead)
                break;
            if (io == bench::Io::WantWrite) {
                m_sslWantsWrite = true;
                break;
            }
            if (io != bench::Io::Ok)
                return false;
            m_inLength += n;
            if (!process())
                return false;
        }
        return flush() && !(m_closing && m_out.size() == m_outOffset);
    }

private:
    bool flush()
    {
        while (m_outOffset < m_out.size()) {
            std::size_t n = 0;
            const bench::Io io = m_stream.write(m_out.data() + m_outOffset, m_out.size() - m_outOffset, n);
            if (io == bench::Io::WantWrite || io == bench::Io::WantRead) {
                m_sslWantsWrite = io == bench::Io::WantWrite;
                return true;
            }
            if (io != bench::Io::Ok)
                return false;
            m_outOffset += n;
        }
        m_out.clear();
        m_outOffset = 0;
        return true;
    }

    // Handles what is complete in m_in; false on a protocol error.
    bool process()
    {
        std::size_t at = 0;
        if (!m_upgraded) {
            const std::string_view head(m_in.data(), m_inLength);
            const std::size_t end = head.find("\r\n\r\n");
            if (end == std::string_view::npos)
                return m_inLength <= kMaxHead;
            const std::string key = bench::headerValue(head.substr(0, end + 2), "Sec-WebSocket-Key");
            if (key.empty()) {
                m_out += "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                m_closing = true;
                m_inLength = 0;
                return true;
            }
            m_out += "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Accept: " + bench::acceptKey(key) + "\r\n\r\n";
            m_upgraded = true;
            at = end + 4;
        }
        while (!m_closing) {
            const auto *p = reinterpret_cast<const uint8_t *>(m_in.data() + at);
            const std::size_t available = m_inLength - at;
            if (available < 2)
                break;
            const uint8_t len7 = p[1] & 0x7f;
            const bool masked = (p[1] & 0x80) != 0;
            const std::size_t headerSize = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (masked ? 4 : 0);
            if (!masked)
                return false; // RFC 6455 5.1: a client's frames are masked
            if (available < headerSize)
                break;
            uint64_t length = len7;
            std::size_t h = 2;
            if (len7 >= 126) {
                length = 0;
                for (std::size_t i = 0; i < (len7 == 126 ? 2u : 8u); ++i)
                    length = (length << 8) | p[h++];
            }
            if (length > kMaxFrame)
                return false;
            if (available < headerSize + length)
                break;
            uint8_t mask[4];
            std::memcpy(mask, p + h, 4);
            char *payload = m_in.data() + at + headerSize;
            bench::applyMask(payload, length, mask);
            const uint8_t opcode = p[0] & 0x0f;
            const bool fin = (p[0] & 0x80) != 0;
            const std::string_view body(payload, length);
            switch (opcode) {
            case bench::kContinuation:
            case bench::kText:
            case bench::kBinary:
                bench::appendFrameHeader(m_out, opcode, fin, length, nullptr);
                m_out.append(body);
                break;
            case bench::kPing:
                bench::appendFrame(m_out, bench::kPong, body, false);
                break;
            case bench::kPong:
                break;
            case bench::kClose:
                bench::appendFrame(m_out, bench::kClose, body.substr(0, std::min<std::size_t>(body.size(), 2)), false);
                m_closing = true;
                break;
            default:
                return false;
            }
            at += headerSize + length;
        }
        // Keep the unfinished rest at the front of the buffer.
        if (at > 0) {
            std::memmove(m_in.data(), m_in.data() + at, m_inLength - at);
            m_inLength -= at;
        }
        return true;
    }

    bench::Stream m_stream;
    bool m_handshaken = false;
    bool m_upgraded = false;
    bool m_closing = false;
    bool m_sslWantsWrite = false;
    std::string m_in;
    std::size_t m_inLength = 0;
    std::string m_out;
    std::size_t m_outOffset = 0;
};

} // namespace

int main(int argc, char **argv)
{
    const auto options = bench::parseServerOptions(argc, argv, true,
                                                   "ws-echo [--port P] [--threads N] [--cert CHAIN.pem --key KEY.pem]");
    return bench::serve<WsConnection>(options, "ws-echo");
}
