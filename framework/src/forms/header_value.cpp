#include "header_value.hpp"

#include <algorithm>

#include <tern/forms/error.hpp>

namespace tern::forms::detail {

namespace {

bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

[[noreturn]] void fail(std::string_view context, std::string_view what) {
    throw FormError(400, std::string(context) + " " + std::string(what));
}

void skip_ows(std::string_view text, std::size_t& pos) noexcept {
    while (pos < text.size() && is_ows(text[pos])) ++pos;
}

// Reads a quoted-string starting at the opening quote at `pos`; leaves `pos` after the closing one.
std::string quoted_string(std::string_view text, std::size_t& pos, std::string_view context) {
    std::string out;
    for (++pos; pos < text.size(); ++pos) {
        char const c = text[pos];
        if (c == '"') {
            ++pos;
            return out;
        }
        if (c == '\\') {
            if (++pos == text.size()) break;
            out.push_back(text[pos]);
        } else {
            out.push_back(c);
        }
    }
    fail(context, "has an unterminated quoted string");
}

// A bare parameter value: RFC 9110 wants a token, but senders put '/', '=' and the like in
// boundaries unquoted, so everything up to ';' or whitespace is accepted.
std::string bare_value(std::string_view text, std::size_t& pos) {
    std::size_t const start = pos;
    while (pos < text.size() && text[pos] != ';' && !is_ows(text[pos]) && text[pos] != '"') ++pos;
    return std::string(text.substr(start, pos - start));
}

std::pair<std::string, std::string> parameter(std::string_view text, std::size_t& pos, std::string_view context) {
    std::size_t const start = pos;
    while (pos < text.size() && is_tchar(text[pos])) ++pos;
    if (pos == start) fail(context, "has a parameter without a name");
    std::string name = to_lower(text.substr(start, pos - start));
    skip_ows(text, pos);
    if (pos == text.size() || text[pos] != '=') fail(context, "parameter '" + name + "' has no '='");
    ++pos;
    skip_ows(text, pos);
    std::string value = pos < text.size() && text[pos] == '"' ? quoted_string(text, pos, context) : bare_value(text, pos);
    return {std::move(name), std::move(value)};
}

}  // namespace

std::string_view trim(std::string_view text) noexcept {
    while (!text.empty() && is_ows(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_ows(text.back())) text.remove_suffix(1);
    return text;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

std::string to_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = lower(c);
    return out;
}

bool is_tchar(char c) noexcept {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string describe(char c) {
    auto const byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) return std::string{'\'', c, '\''};
    static constexpr char hex[] = "0123456789abcdef";
    return std::string{'0', 'x', hex[byte >> 4], hex[byte & 15]};
}

std::string const* HeaderValue::param(std::string_view name) const noexcept {
    for (auto const& [key, value] : params)
        if (key == name) return &value;
    return nullptr;
}

HeaderValue parse_header_value(std::string_view text, std::string_view context) {
    HeaderValue out;
    std::size_t pos = std::min(text.find(';'), text.size());
    out.value = trim(text.substr(0, pos));
    while (pos < text.size()) {
        ++pos;   // the ';'
        skip_ows(text, pos);
        if (pos == text.size()) break;   // a trailing ';' is harmless
        auto param = parameter(text, pos, context);
        if (out.param(param.first)) fail(context, "has the parameter '" + param.first + "' twice");
        out.params.push_back(std::move(param));
        skip_ows(text, pos);
        if (pos < text.size() && text[pos] != ';')
            fail(context, "has " + describe(text[pos]) + " after parameter '" + out.params.back().first + "'");
    }
    return out;
}

}  // namespace tern::forms::detail
