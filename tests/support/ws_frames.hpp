#pragma once
// WebSocket frames by hand, for tests that play a client byte by byte (RFC 6455 5.2), and the
// reading of a server's frames off a RawClient. Independent of tern's own codec on purpose.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "support/http_client.hpp"

namespace tern::testing {

/// A client frame: masked with a fixed key unless `masked` is false.
inline std::string client_frame(std::uint8_t opcode, std::string_view payload, bool fin = true, bool masked = true,
                                std::uint8_t rsv = 0) {
    std::string out;
    out += static_cast<char>((fin ? 0x80 : 0) | (rsv << 4) | opcode);
    std::uint8_t const mask_bit = masked ? 0x80 : 0;
    if (payload.size() < 126) {
        out += static_cast<char>(mask_bit | payload.size());
    } else if (payload.size() <= 0xffff) {
        out += static_cast<char>(mask_bit | 126);
        out += static_cast<char>(payload.size() >> 8);
        out += static_cast<char>(payload.size() & 0xff);
    } else {
        out += static_cast<char>(mask_bit | 127);
        for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((payload.size() >> shift) & 0xff);
    }
    std::uint8_t const key[4] = {0x37, 0xfa, 0x21, 0x3d};
    if (masked) out.append(reinterpret_cast<char const*>(key), 4);
    for (std::size_t i = 0; i < payload.size(); ++i)
        out += masked ? static_cast<char>(payload[i] ^ key[i % 4]) : payload[i];
    return out;
}

inline std::string close_payload(std::uint16_t code, std::string_view reason = {}) {
    std::string out;
    out += static_cast<char>(code >> 8);
    out += static_cast<char>(code & 0xff);
    out += reason;
    return out;
}

struct ServerFrame {
    bool fin = false;
    std::uint8_t opcode = 0;
    bool masked = false;
    std::string payload;
    /// A close frame's code (0 if none).
    int close_code() const {
        return payload.size() >= 2 ? (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]) : 0;
    }
};

/// Reads one frame the server sent; nullopt on EOF or the timeout.
inline std::optional<ServerFrame> read_frame(RawClient& client) {
    auto head = client.read_exactly(2);
    if (!head) return std::nullopt;
    ServerFrame frame;
    auto const b0 = static_cast<unsigned char>((*head)[0]);
    auto const b1 = static_cast<unsigned char>((*head)[1]);
    frame.fin = b0 & 0x80;
    frame.opcode = b0 & 0x0f;
    frame.masked = b1 & 0x80;
    std::uint64_t length = b1 & 0x7f;
    if (length >= 126) {
        auto ext = client.read_exactly(length == 126 ? 2 : 8);
        if (!ext) return std::nullopt;
        length = 0;
        for (unsigned char c : *ext) length = (length << 8) | c;
    }
    auto payload = client.read_exactly(length);
    if (!payload) return std::nullopt;
    frame.payload = std::move(*payload);
    return frame;
}

/// The opening handshake's request, with RFC 6455's sample key.
inline std::string ws_upgrade(std::string_view path, std::string_view extra = "") {
    return "GET " + std::string(path) +
           " HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
           std::string(extra) + "\r\n";
}

}  // namespace tern::testing
