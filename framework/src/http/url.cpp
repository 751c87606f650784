#include "url.hpp"

#include <tern/core/detail/hex.hpp>

#include <algorithm>
#include <array>

namespace tern::detail {
namespace {


// The byte that the escape at in[i] ('%') stands for, or -1 when it is malformed or NUL.
int escaped_byte(std::string_view in, std::size_t i) noexcept {
    if (in.size() - i < 3) return -1;
    int const high = hex_value(in[i + 1]);
    int const low = hex_value(in[i + 2]);
    if (high < 0 || low < 0) return -1;
    int const byte = high * 16 + low;
    return byte == 0 ? -1 : byte;
}

}  // namespace

bool valid_percent_escapes(std::string_view in) noexcept {
    for (std::size_t i = in.find('%'); i != std::string_view::npos; i = in.find('%', i + 3)) {
        if (escaped_byte(in, i) < 0) return false;
    }
    return true;
}

bool percent_decode(std::string_view in, std::string& out, bool plus_as_space) {
    out.reserve(out.size() + in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        char const c = in[i];
        if (c == '%') {
            int const byte = escaped_byte(in, i);
            if (byte < 0) return false;
            out.push_back(static_cast<char>(byte));
            i += 2;
        } else {
            out.push_back(plus_as_space && c == '+' ? ' ' : c);
        }
    }
    return true;
}

void decode_query_component(std::string_view in, std::string& out) {
    out.reserve(out.size() + in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        char const c = in[i];
        int const byte = c == '%' ? escaped_byte(in, i) : -1;
        if (byte >= 0) {
            out.push_back(static_cast<char>(byte));
            i += 2;
        } else {
            out.push_back(c == '+' ? ' ' : c);
        }
    }
}

void parse_query(std::string_view query, std::vector<std::pair<std::string, std::string>>& out) {
    out.clear();
    for_each_query_param(query, [&](std::string_view key, std::string_view value) {
        out.emplace_back(key, value);
    });
}

namespace {

// RFC 3986 unreserved and sub-delims: what a reg-name holds besides percent-escapes. A table,
// because every request's Host goes through it.
constexpr std::array<bool, 256> reg_name_chars = [] {
    std::array<bool, 256> table{};
    for (int c = 'a'; c <= 'z'; ++c) table[c] = true;
    for (int c = 'A'; c <= 'Z'; ++c) table[c] = true;
    for (int c = '0'; c <= '9'; ++c) table[c] = true;
    for (char c : std::string_view("-._~!$&'()*+,;=")) table[static_cast<unsigned char>(c)] = true;
    return table;
}();

bool is_reg_name_char(char c) noexcept { return reg_name_chars[static_cast<unsigned char>(c)]; }
bool is_hex_digit(char c) noexcept { return hex_value(c) >= 0; }
bool is_port(std::string_view s) noexcept {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
// IPv6address or IPvFuture, loosely: the characters they are made of. The address is not
// resolved here, only kept from holding bytes that would let it be read another way.
bool is_ip_literal(std::string_view s) noexcept {
    if (s.empty()) return false;
    if (s.front() == 'v' || s.front() == 'V') {
        return std::all_of(s.begin(), s.end(), [](char c) { return is_reg_name_char(c) || c == ':'; });
    }
    return std::all_of(s.begin(), s.end(), [](char c) { return is_hex_digit(c) || c == ':' || c == '.'; });
}

}  // namespace

bool valid_host(std::string_view host) noexcept {
    if (!host.empty() && host.front() == '[') {
        std::size_t const close = host.find(']');
        if (close == std::string_view::npos || !is_ip_literal(host.substr(1, close - 1))) return false;
        std::string_view const rest = host.substr(close + 1);
        return rest.empty() || (rest.front() == ':' && is_port(rest.substr(1)));
    }
    // One pass, as every request's Host goes through it: the reg-name up to ':', then the port.
    // The unlikely bytes (':', '%', anything else) share one test per byte.
    char const* p = host.data();
    char const* const end = p + host.size();
    bool escaped = false;
    for (; p != end; ++p) {
        if (is_reg_name_char(*p)) [[likely]] continue;
        if (*p == ':') break;
        if (*p != '%') return false;
        escaped = true;
    }
    if (escaped && !valid_percent_escapes(host.substr(0, static_cast<std::size_t>(p - host.data())))) return false;
    if (p == end) return true;
    for (++p; p != end; ++p) {
        if (*p < '0' || *p > '9') return false;
    }
    return true;
}

}  // namespace tern::detail
