// The writer's out-of-line parts: string escaping with UTF-8 validation, numbers, and Values.
#include <tern/json/writer.hpp>

#include "utf8.hpp"

#include <tern/json/value.hpp>

#include <array>
#include <bit>
#include <charconv>
#include <cmath>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <fmt/format.h>

namespace tern::json {

namespace {

// 1 marks the bytes that leave the copy-as-is fast path: controls, '"', '\' and non-ASCII.
constexpr std::array<unsigned char, 256> special_bytes = [] {
    std::array<unsigned char, 256> table{};
    for (std::size_t c = 0; c < 256; ++c) table[c] = c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
    return table;
}();

#if defined(__SSE2__)
// Bit i set for each byte i of `v` that special_bytes marks. A signed compare with 0x20 takes
// the controls and every non-ASCII byte (negative as a signed char) at once.
int special_mask(__m128i v) noexcept {
    __m128i const low_or_high = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
    __m128i const quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
    __m128i const backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
    return _mm_movemask_epi8(_mm_or_si128(low_or_high, _mm_or_si128(quote, backslash)));
}

__m128i load16(unsigned char const* at) noexcept { return _mm_loadu_si128(reinterpret_cast<__m128i const*>(at)); }
__m128i load8(unsigned char const* at) noexcept { return _mm_loadl_epi64(reinterpret_cast<__m128i const*>(at)); }
#endif

// How many bytes from `p` are copied as they are. With SSE2, 16 at a time; the last part
// vector is the string's final 16 bytes (or, for 8 to 15 bytes, the first 8 and the last 8),
// with the flags of bytes already known plain dropped. Only a string under 8 bytes is read one
// byte at a time. The 13-byte string of GET /json: ~27 instructions instead of the byte loop's
// ~78 (callgrind); 8-byte words of scalar arithmetic took ~83.
std::size_t plain_prefix(unsigned char const* p, unsigned char const* end) noexcept {
    std::size_t const left = static_cast<std::size_t>(end - p);
    std::size_t n = 0;
#if defined(__SSE2__)
    if (left >= 16) {
        for (; left - n >= 16; n += 16) {
            if (auto const m = static_cast<unsigned>(special_mask(load16(p + n))))
                return n + static_cast<std::size_t>(std::countr_zero(m));
        }
        if (n == left) return n;
        unsigned const known_plain = 16 - static_cast<unsigned>(left - n);
        unsigned const m = static_cast<unsigned>(special_mask(load16(end - 16))) & (0xFFFFu << known_plain);
        return m == 0 ? left : left - 16 + static_cast<std::size_t>(std::countr_zero(m));
    }
    if (left >= 8) {
        unsigned const m = static_cast<unsigned>(special_mask(_mm_unpacklo_epi64(load8(p), load8(end - 8))));
        if (unsigned const first = m & 0xFFu) return static_cast<std::size_t>(std::countr_zero(first));
        unsigned const last = m >> 8;
        return last == 0 ? left : left - 8 + static_cast<std::size_t>(std::countr_zero(last));
    }
#endif
    while (n < left && !special_bytes[p[n]]) ++n;
    return n;
}

void write_escape(std::string& out, unsigned char c) {
    switch (c) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default: {
        constexpr char hex[] = "0123456789abcdef";
        char const code[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
        out.append(code, sizeof code);
    }
    }
}

// Appends the non-ASCII sequence at `p`, returning its length. U+2028 and U+2029 are valid
// JSON but end a line in JavaScript, so they are escaped for output embedded in a <script>.
std::size_t write_multibyte(std::string& out, unsigned char const* p, unsigned char const* begin, unsigned char const* end) {
    std::size_t const length = detail::utf8_sequence_length(p, end);
    if (length == 0) {
        throw DumpError(fmt::format("string is not valid UTF-8 (byte {} of the string)", p - begin));
    }
    if (length == 3 && p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) {
        out += p[2] == 0xA8 ? "\\u2028" : "\\u2029";
    } else {
        out.append(reinterpret_cast<char const*>(p), length);
    }
    return length;
}

void finish_number(std::string& out, char* digits, char* end) {
    std::string_view const text(digits, static_cast<std::size_t>(end - digits));
    out.append(text);
    if (text.find_first_of(".e") == std::string_view::npos) out += ".0";
}

}  // namespace

namespace detail {

void write_string(std::string& out, std::string_view text) {
    auto const* const begin = reinterpret_cast<unsigned char const*>(text.data());
    auto const* const end = begin + text.size();
    out.push_back('"');
    auto const* run = begin;
    for (auto const* p = begin + plain_prefix(begin, end); p < end; p += plain_prefix(p, end)) {
        out.append(reinterpret_cast<char const*>(run), static_cast<std::size_t>(p - run));
        if (*p < 0x80) {
            write_escape(out, *p);
            ++p;
        } else {
            p += write_multibyte(out, p, begin, end);
        }
        run = p;
    }
    out.append(reinterpret_cast<char const*>(run), static_cast<std::size_t>(end - run));
    out.push_back('"');
}

void write_double(std::string& out, double d) {
    if (!std::isfinite(d)) throw DumpError(fmt::format("{} has no JSON form", d));
    char digits[32];
    finish_number(out, digits, std::to_chars(digits, digits + sizeof digits, d).ptr);
}

void write_float(std::string& out, float f) {
    if (!std::isfinite(f)) throw DumpError(fmt::format("{} has no JSON form", f));
    char digits[32];
    finish_number(out, digits, std::to_chars(digits, digits + sizeof digits, f).ptr);
}

}  // namespace detail

void Writer::value(Value const& v) {
    switch (v.kind()) {
    case Kind::null: null(); return;
    case Kind::boolean: value(v.as_bool()); return;
    case Kind::int64: value(v.as_int()); return;
    case Kind::uint64: value(v.as_uint()); return;
    case Kind::number: value(v.as_double()); return;
    case Kind::string: value(std::string_view(v.as_string())); return;
    case Kind::array:
        begin_array();
        for (auto const& element : v.as_array()) value(element);
        end_array();
        return;
    case Kind::object:
        begin_object();
        for (auto const& [name, member] : v.as_object()) {
            key(name);
            value(member);
        }
        end_object();
        return;
    }
}

}  // namespace tern::json
