#pragma once
// UTF-8 validation shared by the writer (which refuses to emit bad strings) and the parser
// (which reports where bad input starts).

#include <cstddef>
#include <string_view>

namespace tern::json::detail {

/// The length of the well-formed UTF-8 sequence at `p` (1 to 4), or 0 if it is not one:
/// overlong forms, surrogates, code points past U+10FFFF and truncated sequences are refused,
/// as RFC 3629 requires.
inline std::size_t utf8_sequence_length(unsigned char const* p, unsigned char const* end) noexcept {
    auto const continuation = [&](std::size_t i, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
        return p + i < end && p[i] >= lo && p[i] <= hi;
    };
    unsigned char const lead = p[0];
    if (lead < 0x80) return 1;
    if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 0;
    if (lead >= 0xE0 && lead <= 0xEF) {
        unsigned char const lo = lead == 0xE0 ? 0xA0 : 0x80;  // E0 80..9F would be overlong
        unsigned char const hi = lead == 0xED ? 0x9F : 0xBF;  // ED A0..BF would be a surrogate
        return continuation(1, lo, hi) && continuation(2) ? 3 : 0;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        unsigned char const lo = lead == 0xF0 ? 0x90 : 0x80;  // F0 80..8F would be overlong
        unsigned char const hi = lead == 0xF4 ? 0x8F : 0xBF;  // F4 90.. would pass U+10FFFF
        return continuation(1, lo, hi) && continuation(2) && continuation(3) ? 4 : 0;
    }
    return 0;
}

/// The offset of the first byte that does not start a well-formed sequence, or npos.
inline std::size_t first_invalid_utf8(std::string_view text) noexcept {
    auto const* const begin = reinterpret_cast<unsigned char const*>(text.data());
    auto const* const end = begin + text.size();
    for (auto const* p = begin; p < end;) {
        std::size_t const length = utf8_sequence_length(p, end);
        if (length == 0) return static_cast<std::size_t>(p - begin);
        p += length;
    }
    return std::string_view::npos;
}

}  // namespace tern::json::detail
