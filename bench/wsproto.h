#pragma once
// The parts of RFC 6455 the benchmark's programs need: frame headers, the handshake's keys,
// and an incremental reader of frames.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bench {

enum Opcode : uint8_t { kContinuation = 0, kText = 1, kBinary = 2, kClose = 8, kPing = 9, kPong = 10 };

// Appends a frame header to out; with a mask (client frames) the 4 mask bytes follow it.
void appendFrameHeader(std::string &out, uint8_t opcode, bool fin, uint64_t length, const uint8_t *mask);
// Appends a whole client frame (masked with a random key) or server frame (mask == false).
void appendFrame(std::string &out, uint8_t opcode, std::string_view payload, bool mask);
void applyMask(char *data, std::size_t size, const uint8_t mask[4], uint64_t offset = 0);
// Sec-WebSocket-Accept for a Sec-WebSocket-Key.
std::string acceptKey(std::string_view key);
std::string randomKey();
// The value of a header in an HTTP head (case-insensitive name), empty when absent.
std::string headerValue(std::string_view head, std::string_view name);

// ws://host:port/path or wss://...
struct Url {
    bool tls = false;
    std::string host;
    uint16_t port = 0;
    std::string path = "/";
};
Url parseUrl(const std::string &text);
std::string upgradeRequest(const Url &url, const std::string &key);

// Reads frames from the bytes of a stream, in any pieces. Data is reported as it arrives
// (onData), control frames and message ends once complete.
class FrameReader final {
public:
    struct Handler {
        virtual void onData(const char *data, std::size_t size) = 0;
        virtual void onMessageEnd() = 0;
        virtual void onControl(uint8_t opcode, const std::string &payload) = 0;
    protected:
        ~Handler() = default;
    };
    // false: a protocol error (a control frame over 125 bytes).
    bool feed(const char *data, std::size_t size, Handler &handler);

private:
    uint8_t m_header[14] = {};
    std::size_t m_headerLength = 0;
    std::size_t m_headerNeeded = 2;
    bool m_inPayload = false;
    uint64_t m_remaining = 0;
    uint64_t m_offset = 0;
    uint8_t m_opcode = 0;
    bool m_fin = false;
    bool m_masked = false;
    uint8_t m_mask[4] = {};
    std::string m_control;
};

} // namespace bench
