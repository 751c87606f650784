#pragma once
// Character classes of RFC 9110 used when validating and comparing header text.
#include <string_view>

namespace tern::detail {

constexpr char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

/// ASCII case-insensitive equality, the comparison header names need. Never allocates.
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

constexpr bool is_tchar(char c) noexcept {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

constexpr bool is_token(std::string_view s) noexcept {
    if (s.empty()) return false;
    for (char c : s)
        if (!is_tchar(c)) return false;
    return true;
}

/// A header value may hold anything but CR, LF and NUL (which would split or end the header).
constexpr bool is_field_value(std::string_view s) noexcept {
    for (char c : s)
        if (c == '\r' || c == '\n' || c == '\0') return false;
    return true;
}

/// RFC 6265 cookie-octet: visible ASCII except space, DQUOTE, comma, semicolon and backslash.
constexpr bool is_cookie_value(std::string_view s) noexcept {
    for (char c : s) {
        auto const u = static_cast<unsigned char>(c);
        if (u < 0x21 || u > 0x7e || c == '"' || c == ',' || c == ';' || c == '\\') return false;
    }
    return true;
}

/// Whether the comma-separated field value `list` holds `token`, ignoring ASCII case and the
/// whitespace around items ("keep-alive, Upgrade" holds "upgrade").
constexpr bool list_has_token(std::string_view list, std::string_view token) noexcept {
    while (!list.empty()) {
        auto const comma = list.find(',');
        std::string_view item = list.substr(0, comma);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (iequals(item, token)) return true;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

}  // namespace tern::detail
