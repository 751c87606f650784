#include <tern/compress/compressible.hpp>

#include <algorithm>
#include <array>

namespace tern::compress {

namespace {

// Types outside text/* and the +json/+xml/+yaml families that deflate shrinks well: source
// and data formats, WebAssembly, fonts and images that carry no compression of their own.
constexpr std::array<std::string_view, 24> compressible_types{
    "application/json",      "application/javascript", "application/x-javascript",
    "application/ecmascript", "application/xml",       "application/wasm",
    "application/x-ndjson",  "application/yaml",       "application/x-yaml",
    "application/toml",      "application/graphql",    "application/sql",
    "application/x-www-form-urlencoded", "application/rtf", "application/x-sh",
    "application/x-tar",     "application/postscript", "application/vnd.ms-fontobject",
    "application/x-font-ttf", "font/ttf",              "font/otf",
    "image/bmp",             "image/x-icon",           "image/vnd.microsoft.icon",
};

// Structured-syntax suffixes (RFC 6839): image/svg+xml, application/problem+json, ...
constexpr std::array<std::string_view, 3> compressible_suffixes{"+json", "+xml", "+yaml"};

bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

char to_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// `lower` is already lower case.
bool iequals(std::string_view s, std::string_view lower) noexcept {
    return s.size() == lower.size() && std::equal(s.begin(), s.end(), lower.begin(), [](char a, char b) {
               return to_lower(a) == b;
           });
}

bool iends_with(std::string_view s, std::string_view lower_suffix) noexcept {
    return s.size() >= lower_suffix.size() && iequals(s.substr(s.size() - lower_suffix.size()), lower_suffix);
}

// "type/subtype" without parameters and surrounding whitespace.
std::string_view essence(std::string_view content_type) noexcept {
    content_type = content_type.substr(0, std::min(content_type.find(';'), content_type.size()));
    while (!content_type.empty() && is_ows(content_type.front())) content_type.remove_prefix(1);
    while (!content_type.empty() && is_ows(content_type.back())) content_type.remove_suffix(1);
    return content_type;
}

}  // namespace

bool is_compressible(std::string_view content_type) noexcept {
    std::string_view const type = essence(content_type);
    std::size_t const slash = type.find('/');
    if (slash == 0 || slash == std::string_view::npos || slash + 1 == type.size()) return false;
    std::string_view const subtype = type.substr(slash + 1);
    if (iequals(type.substr(0, slash), "text")) return true;
    auto const has_suffix = [subtype](std::string_view suffix) { return iends_with(subtype, suffix); };
    if (std::any_of(compressible_suffixes.begin(), compressible_suffixes.end(), has_suffix)) return true;
    auto const is_type = [type](std::string_view known) { return iequals(type, known); };
    return std::any_of(compressible_types.begin(), compressible_types.end(), is_type);
}

}  // namespace tern::compress
