#include "sha1.hpp"

#include <cstring>

namespace tern::websocket::detail {

namespace {

constexpr std::uint32_t rotl(std::uint32_t x, int n) noexcept { return (x << n) | (x >> (32 - n)); }

struct State {
    std::uint32_t h[5] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u, 0xc3d2e1f0u};

    // FIPS 180-4 6.1.2: one 64-byte block through the 80 rounds.
    void block(unsigned char const* p) noexcept {
        std::uint32_t w[80];
        for (int t = 0; t < 16; ++t) {
            w[t] = (std::uint32_t{p[4 * t]} << 24) | (std::uint32_t{p[4 * t + 1]} << 16) |
                   (std::uint32_t{p[4 * t + 2]} << 8) | std::uint32_t{p[4 * t + 3]};
        }
        for (int t = 16; t < 80; ++t) w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
        std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
        for (int t = 0; t < 80; ++t) {
            std::uint32_t f, k;
            if (t < 20) {
                f = (b & c) | (~b & d), k = 0x5a827999u;
            } else if (t < 40) {
                f = b ^ c ^ d, k = 0x6ed9eba1u;
            } else if (t < 60) {
                f = (b & c) | (b & d) | (c & d), k = 0x8f1bbcdcu;
            } else {
                f = b ^ c ^ d, k = 0xca62c1d6u;
            }
            std::uint32_t const temp = rotl(a, 5) + f + e + k + w[t];
            e = d, d = c, c = rotl(b, 30), b = a, a = temp;
        }
        h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
    }
};

}  // namespace

Sha1Digest sha1(std::string_view bytes) noexcept {
    State state;
    auto const* p = reinterpret_cast<unsigned char const*>(bytes.data());
    std::size_t const size = bytes.size();
    std::size_t whole = size / 64 * 64;
    for (std::size_t at = 0; at < whole; at += 64) state.block(p + at);

    // FIPS 180-4 5.1.1: a 1 bit, zeros, and the length in bits as 64 bits, in one or two blocks.
    unsigned char tail[128] = {};
    std::size_t const rest = size - whole;
    std::memcpy(tail, p + whole, rest);
    tail[rest] = 0x80;
    std::size_t const tail_size = rest + 1 + 8 <= 64 ? 64 : 128;
    std::uint64_t const bits = static_cast<std::uint64_t>(size) * 8;
    for (int i = 0; i < 8; ++i) tail[tail_size - 1 - i] = static_cast<unsigned char>(bits >> (8 * i));
    for (std::size_t at = 0; at < tail_size; at += 64) state.block(tail + at);

    Sha1Digest digest;
    for (int i = 0; i < 5; ++i) {
        for (int j = 0; j < 4; ++j) digest[4 * i + j] = static_cast<std::uint8_t>(state.h[i] >> (24 - 8 * j));
    }
    return digest;
}

}  // namespace tern::websocket::detail
