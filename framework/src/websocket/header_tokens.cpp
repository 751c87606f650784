#include "header_tokens.hpp"

#include <algorithm>

namespace tern::websocket::detail {

namespace {

bool is_tchar(char c) noexcept {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool is_token(std::string_view text) noexcept { return !text.empty() && std::all_of(text.begin(), text.end(), is_tchar); }

std::string_view trim_ows(std::string_view text) noexcept {
    std::size_t const begin = text.find_first_not_of(" \t");
    if (begin == std::string_view::npos) return {};
    std::size_t const end = text.find_last_not_of(" \t");
    return text.substr(begin, end - begin + 1);
}

std::vector<std::string_view> split_outside_quotes(std::string_view text, char separator) {
    std::vector<std::string_view> pieces;
    bool quoted = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char const c = text[i];
        if (quoted && c == '\\') {
            ++i;  // a quoted pair: the next character is literal
        } else if (c == '"') {
            quoted = !quoted;
        } else if (!quoted && c == separator) {
            pieces.push_back(trim_ows(text.substr(start, i - start)));
            start = i + 1;
        }
    }
    pieces.push_back(trim_ows(text.substr(std::min(start, text.size()))));
    return pieces;
}

bool unquote(std::string_view text, std::string& value) {
    value.clear();
    if (text.size() < 2 || text.front() != '"' || text.back() != '"') {
        value.assign(text);
        return is_token(text);
    }
    for (std::size_t i = 1; i + 1 < text.size(); ++i) {
        char c = text[i];
        if (c == '"') return false;
        if (c == '\\') {
            if (i + 2 >= text.size()) return false;  // the backslash would escape the closing quote
            c = text[++i];
        }
        value.push_back(c);
    }
    return true;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

bool list_has_token(std::string_view list, std::string_view token) {
    for (std::string_view item : split_outside_quotes(list, ','))
        if (iequals(item, token)) return true;
    return false;
}

}  // namespace tern::websocket::detail
