#include <tern/files/safe_path.hpp>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdlib>

#include <tern/core/detail/hex.hpp>

namespace tern::files {

namespace {

using tern::detail::hex_value;

// Percent-decodes one raw segment; nullopt on a '%' not followed by two hex digits. '+' stays
// '+': it means a space only in form bodies and query strings, never in a path.
std::optional<std::string> decode_segment(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '%') {
            out.push_back(raw[i]);
            continue;
        }
        if (i + 2 >= raw.size()) return std::nullopt;
        int const high = hex_value(raw[i + 1]);
        int const low = hex_value(raw[i + 2]);
        if (high < 0 || low < 0) return std::nullopt;
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
    }
    return out;
}

bool is_forbidden_byte(unsigned char c) noexcept {
    return c < 0x20 || c == 0x7f || c == '/' || c == '\\';
}

bool starts_with_drive(std::string_view segment) noexcept {
    if (segment.size() < 2 || segment[1] != ':') return false;
    char const c = segment[0];
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Whether a decoded segment may name a file or directory below the root.
bool is_safe_segment(std::string_view segment) noexcept {
    if (segment.empty() || segment == "." || segment == "..") return false;
    if (starts_with_drive(segment)) return false;
    for (char c : segment) {
        if (is_forbidden_byte(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

}  // namespace

std::optional<std::string> relative_static_path(std::string_view raw_tail) {
    if (raw_tail.starts_with('/')) raw_tail.remove_prefix(1);
    if (raw_tail.starts_with('/')) return std::nullopt;   // "//etc/passwd": an empty first segment
    bool const directory = raw_tail.empty() || raw_tail.ends_with('/');
    if (directory && !raw_tail.empty()) raw_tail.remove_suffix(1);
    std::string out;
    while (!raw_tail.empty()) {
        auto const slash = raw_tail.find('/');
        std::string_view const raw = raw_tail.substr(0, slash);
        auto segment = decode_segment(raw);
        if (!segment || !is_safe_segment(*segment)) return std::nullopt;
        if (!out.empty()) out += '/';
        out += *segment;
        if (slash == std::string_view::npos) break;
        raw_tail.remove_prefix(slash + 1);
        if (raw_tail.empty()) return std::nullopt;   // "a//" became "a/" above: an empty last segment
    }
    if (directory && !out.empty()) out += '/';
    return out;
}

bool is_under_root(std::string_view root, std::string_view real_path) noexcept {
    if (!real_path.starts_with(root)) return false;
    if (real_path.size() == root.size()) return true;
    // The root "/" ends with its separator; any other root is followed by one.
    return root.ends_with('/') || real_path[root.size()] == '/';
}

std::optional<std::string> resolve_under_root(std::string_view root_realpath, std::string_view relative,
                                              std::string_view suffix) {
    // The joined path and realpath's answer are put together on the stack.
    std::array<char, PATH_MAX> joined;
    bool const slash = !relative.empty() && !root_realpath.ends_with('/');
    if (root_realpath.size() + slash + relative.size() + suffix.size() >= joined.size()) return std::nullopt;
    // std::copy, not memcpy: an empty view's data() may be null, which memcpy must not get.
    char* end = std::copy(root_realpath.begin(), root_realpath.end(), joined.data());
    if (slash) *end++ = '/';
    end = std::copy(relative.begin(), relative.end(), end);
    end = std::copy(suffix.begin(), suffix.end(), end);
    *end = '\0';
    std::array<char, PATH_MAX> real;
    if (::realpath(joined.data(), real.data()) == nullptr) return std::nullopt;
    std::string_view const resolved{real.data()};
    if (!is_under_root(root_realpath, resolved)) return std::nullopt;
    return std::string{resolved};
}

}  // namespace tern::files
