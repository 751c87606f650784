#include "base64.hpp"

#include <tern/websocket/handshake.hpp>

#include <cstdint>

namespace tern::websocket {

namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The 6-bit value of a base64 character, or -1.
int sextet(char c) noexcept {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    auto const* p = reinterpret_cast<unsigned char const*>(bytes.data());
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        std::uint32_t const v = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8) | p[i + 2];
        for (int shift = 18; shift >= 0; shift -= 6) out.push_back(alphabet[(v >> shift) & 63]);
    }
    std::size_t const rest = bytes.size() - i;
    if (rest > 0) {
        std::uint32_t v = std::uint32_t{p[i]} << 16;
        if (rest == 2) v |= std::uint32_t{p[i + 1]} << 8;
        out.push_back(alphabet[(v >> 18) & 63]);
        out.push_back(alphabet[(v >> 12) & 63]);
        out.push_back(rest == 2 ? alphabet[(v >> 6) & 63] : '=');
        out.push_back('=');
    }
    return out;
}

namespace detail {

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::size_t padding = 0;
    if (text.ends_with("==")) {
        padding = 2;
    } else if (text.ends_with('=')) {
        padding = 1;
    }
    std::string out;
    out.reserve(text.size() / 4 * 3);
    std::uint32_t bits = 0;
    int count = 0;
    for (std::size_t i = 0; i < text.size() - padding; ++i) {
        int const v = sextet(text[i]);
        if (v < 0) return std::nullopt;
        bits = (bits << 6) | static_cast<std::uint32_t>(v);
        if (++count == 4) {
            for (int shift = 16; shift >= 0; shift -= 8) out.push_back(static_cast<char>((bits >> shift) & 0xff));
            bits = 0;
            count = 0;
        }
    }
    // The last group of 2 or 3 characters: 1 or 2 bytes, and the bits past them must be zero.
    if (count == 2) {
        if (bits & 0xf) return std::nullopt;
        out.push_back(static_cast<char>(bits >> 4));
    } else if (count == 3) {
        if (bits & 0x3) return std::nullopt;
        out.push_back(static_cast<char>(bits >> 10));
        out.push_back(static_cast<char>((bits >> 2) & 0xff));
    }
    return out;
}

}  // namespace detail

}  // namespace tern::websocket
