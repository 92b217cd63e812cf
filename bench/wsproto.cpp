#include "wsproto.h"

#include "net.h"

#include <algorithm>
#include <cstring>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

namespace bench {

void appendFrameHeader(std::string &out, uint8_t opcode, bool fin, uint64_t length, const uint8_t *mask)
{
    char header[14];
    std::size_t n = 0;
    header[n++] = static_cast<char>((fin ? 0x80 : 0) | opcode);
    const uint8_t maskBit = mask ? 0x80 : 0;
    if (length < 126) {
        header[n++] = static_cast<char>(maskBit | length);
    } else if (length <= 0xffff) {
        header[n++] = static_cast<char>(maskBit | 126);
        header[n++] = static_cast<char>(length >> 8);
        header[n++] = static_cast<char>(length);
    } else {
        header[n++] = static_cast<char>(maskBit | 127);
        for (int shift = 56; shift >= 0; shift -= 8)
            header[n++] = static_cast<char>(length >> shift);
    }
    if (mask) {
        std::memcpy(header + n, mask, 4);
        n += 4;
    }
    out.append(header, n);
}

void applyMask(char *data, std::size_t size, const uint8_t mask[4], uint64_t offset)
{
    for (std::size_t i = 0; i < size; ++i)
        data[i] = static_cast<char>(data[i] ^ mask[(offset + i) & 3]);
}

void appendFrame(std::string &out, uint8_t opcode, std::string_view payload, bool mask)
{
    uint8_t key[4] = {};
    if (mask)
        RAND_bytes(key, 4);
    appendFrameHeader(out, opcode, true, payload.size(), mask ? key : nullptr);
    const std::size_t start = out.size();
    out.append(payload);
    if (mask)
        applyMask(out.data() + start, payload.size(), key);
}

static std::string base64(const unsigned char *data, std::size_t size)
{
    std::string out(4 * ((size + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(out.data()), data, static_cast<int>(size));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string acceptKey(std::string_view key)
{
    std::string text(key);
    text += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char *>(text.data()), text.size(), digest);
    return base64(digest, sizeof digest);
}

std::string randomKey()
{
    unsigned char bytes[16];
    RAND_bytes(bytes, sizeof bytes);
    return base64(bytes, sizeof bytes);
}

std::string headerValue(std::string_view head, std::string_view name)
{
    std::size_t pos = head.find("\r\n");
    while (pos != std::string_view::npos && pos + 2 < head.size()) {
        const std::size_t start = pos + 2;
        const std::size_t end = head.find("\r\n", start);
        const std::string_view line = head.substr(start, end == std::string_view::npos ? end : end - start);
        const std::size_t colon = line.find(':');
        if (colon == name.size()
            && std::equal(name.begin(), name.end(), line.begin(),
                          [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
            std::string_view value = line.substr(colon + 1);
            while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
                value.remove_prefix(1);
            while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
                value.remove_suffix(1);
            return std::string(value);
        }
        pos = end;
    }
    return {};
}

Url parseUrl(const std::string &text)
{
    Url url;
    std::string rest;
    if (text.rfind("ws://", 0) == 0) {
        rest = text.substr(5);
    } else if (text.rfind("wss://", 0) == 0) {
        url.tls = true;
        rest = text.substr(6);
    } else {
        die("not a ws:// or wss:// URL: " + text);
    }
    const std::size_t slash = rest.find('/');
    if (slash != std::string::npos) {
        url.path = rest.substr(slash);
        rest.resize(slash);
    }
    const std::size_t colon = rest.rfind(':');
    if (colon == std::string::npos)
        die("the URL needs a port: " + text);
    url.host = rest.substr(0, colon);
    url.port = static_cast<uint16_t>(std::stoi(rest.substr(colon + 1)));
    return url;
}

std::string upgradeRequest(const Url &url, const std::string &key)
{
    return "GET " + url.path + " HTTP/1.1\r\nHost: " + url.host + ":" + std::to_string(url.port)
         + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
         + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
}

bool FrameReader::feed(const char *data, std::size_t size, Handler &handler)
{
    // The second condition reports a frame with an empty payload that ends the input.
    while (size > 0 || (m_inPayload && m_remaining == 0)) {
        if (!m_inPayload) {
            const std::size_t take = std::min(size, m_headerNeeded - m_headerLength);
            std::memcpy(m_header + m_headerLength, data, take);
            m_headerLength += take;
            data += take;
            size -= take;
            if (m_headerLength == 2) {
                const uint8_t len7 = m_header[1] & 0x7f;
                m_masked = (m_header[1] & 0x80) != 0;
                m_headerNeeded = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (m_masked ? 4 : 0);
            }
            if (m_headerLength < m_headerNeeded)
                continue;
            const uint8_t len7 = m_header[1] & 0x7f;
            std::size_t at = 2;
            uint64_t length = len7;
            if (len7 >= 126) {
                const std::size_t bytes = len7 == 126 ? 2 : 8;
                length = 0;
                for (std::size_t i = 0; i < bytes; ++i)
                    length = (length << 8) | m_header[at++];
            }
            if (m_masked)
                std::memcpy(m_mask, m_header + at, 4);
            const uint8_t opcode = m_header[0] & 0x0f;
            m_fin = (m_header[0] & 0x80) != 0;
            if (opcode >= kClose) {
                if (length > 125)
                    return false;
                m_control.clear();
            }
            m_opcode = opcode;
            m_remaining = length;
            m_offset = 0;
            m_inPayload = true;
            m_headerLength = 0;
            m_headerNeeded = 2;
        }
        const std::size_t take = static_cast<std::size_t>(std::min<uint64_t>(size, m_remaining));
        if (take > 0) {
            if (m_opcode >= kClose) {
                const std::size_t start = m_control.size();
                m_control.append(data, take);
                if (m_masked)
                    applyMask(m_control.data() + start, take, m_mask, m_offset);
            } else {
                handler.onData(data, take);
            }
            data += take;
            size -= take;
            m_remaining -= take;
            m_offset += take;
        }
        if (m_remaining == 0) {
            m_inPayload = false;
            if (m_opcode >= kClose)
                handler.onControl(m_opcode, m_control);
            else if (m_fin)
                handler.onMessageEnd();
        }
    }
    return true;
}

} // namespace bench
