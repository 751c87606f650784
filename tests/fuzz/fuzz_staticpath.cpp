// libFuzzer target for relative_static_path, the guard between a URL and the file system. The
// input is a raw URL tail; whatever it returns must be a path that stays below the root, and
// must come back unchanged when re-encoded and decoded again.
#include <tern/files/safe_path.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void check(bool ok, char const* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant failed: %s\n", what);
        std::abort();
    }
}

void check_segment(std::string_view segment, bool last) {
    if (segment.empty()) {
        check(last, "no empty segment but after a trailing '/'");
        return;
    }
    check(segment != "." && segment != "..", "no '.' or '..' segment");
}

// The segments of a returned path, checked one by one.
void check_segments(std::string_view path) {
    if (path.empty()) return;   // the root directory
    for (;;) {
        auto const slash = path.find('/');
        check_segment(path.substr(0, slash), slash == std::string_view::npos);
        if (slash == std::string_view::npos) return;
        path.remove_prefix(slash + 1);
    }
}

// Percent-encodes every byte of each segment but the unreserved ones, keeping '/' between them.
std::string encode(std::string_view path) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (char ch : path) {
        auto const c = static_cast<unsigned char>(ch);
        bool const plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                           c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
        if (plain) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const raw(reinterpret_cast<char const*>(data), size);
    auto const path = tern::files::relative_static_path(raw);
    if (!path) return 0;
    check(!path->starts_with('/'), "the path is relative");
    check(path->find('\\') == std::string::npos, "no backslash");
    check(path->find('\0') == std::string::npos, "no NUL");
    for (char c : *path) check(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f, "no control character");
    check_segments(*path);
    check(tern::files::relative_static_path(encode(*path)) == path, "re-encoding the path gives it back");
    if (!raw.starts_with('/')) {
        check(tern::files::relative_static_path("/" + std::string(raw)) == path, "a leading '/' changes nothing");
    }
    return 0;
}
