#include <tern/files/content_type.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>

namespace tern::files {

namespace {

constexpr std::string_view octet_stream = "application/octet-stream";

// Extensions in lower case. JSON, JavaScript modules' source maps and the wasm, font and media
// types get no charset: their formats fix the encoding themselves (RFC 8259 8.1 for JSON).
constexpr std::array<std::pair<std::string_view, std::string_view>, 39> types{{
    {"avif", "image/avif"},
    {"bmp", "image/bmp"},
    {"css", "text/css; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"gif", "image/gif"},
    {"gz", "application/gzip"},
    {"htm", "text/html; charset=utf-8"},
    {"html", "text/html; charset=utf-8"},
    {"ico", "image/x-icon"},
    {"jpeg", "image/jpeg"},
    {"jpg", "image/jpeg"},
    {"js", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"map", "application/json"},
    {"md", "text/markdown; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"mp3", "audio/mpeg"},
    {"mp4", "video/mp4"},
    {"oga", "audio/ogg"},
    {"ogg", "audio/ogg"},
    {"ogv", "video/ogg"},
    {"otf", "font/otf"},
    {"pdf", "application/pdf"},
    {"png", "image/png"},
    {"svg", "image/svg+xml"},
    {"tar", "application/x-tar"},
    {"ttf", "font/ttf"},
    {"txt", "text/plain; charset=utf-8"},
    {"wasm", "application/wasm"},
    {"wav", "audio/wav"},
    {"webm", "video/webm"},
    {"webmanifest", "application/manifest+json"},
    {"webp", "image/webp"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"xml", "application/xml"},
    {"yaml", "application/yaml"},
    {"yml", "application/yaml"},
    {"zip", "application/zip"},
}};

constexpr bool sorted_by_extension() {
    return std::is_sorted(types.begin(), types.end(), [](auto const& a, auto const& b) { return a.first < b.first; });
}
static_assert(sorted_by_extension(), "the lookup below is a binary search");

// Longer than every extension in the table, so a longer one is unknown without a lookup.
constexpr std::size_t max_extension = 16;

// The extension of the last segment, or "" when it has none. A leading dot starts a dotfile's
// name, so `.env` and `dir/.env` have no extension.
std::string_view extension_of(std::string_view path) noexcept {
    auto const slash = path.find_last_of('/');
    std::string_view const name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    auto const dot = name.find_last_of('.');
    if (dot == std::string_view::npos || dot == 0) return {};
    return name.substr(dot + 1);
}

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::string_view content_type_for(std::string_view path) noexcept {
    std::string_view const ext = extension_of(path);
    if (ext.empty() || ext.size() > max_extension) return octet_stream;
    std::array<char, max_extension> buffer{};
    std::transform(ext.begin(), ext.end(), buffer.begin(), lower);
    std::string_view const key(buffer.data(), ext.size());
    auto const it = std::lower_bound(types.begin(), types.end(), key,
                                     [](auto const& entry, std::string_view k) { return entry.first < k; });
    return it != types.end() && it->first == key ? it->second : octet_stream;
}

}  // namespace tern::files
