#include "url.hpp"

#include <charconv>
#include <stdexcept>

#include "http/http_chars.hpp"

namespace tern::http::detail {
namespace {

bool starts_with_scheme(std::string_view s, std::string_view scheme) noexcept {
    return s.size() >= scheme.size() && tern::detail::iequals(s.substr(0, scheme.size()), scheme);
}

[[noreturn]] void refuse(std::string_view url, std::string_view why) {
    throw std::invalid_argument("tern::http::Client: " + std::string(why) + ": " + std::string(url));
}

// RFC 3986 5.2.4.
std::string remove_dot_segments(std::string_view path) {
    std::string out;
    while (!path.empty()) {
        if (path.starts_with("../")) path.remove_prefix(3);
        else if (path.starts_with("./")) path.remove_prefix(2);
        else if (path.starts_with("/./")) path.remove_prefix(2);
        else if (path == "/.") path = "/";
        else if (path.starts_with("/../") || path == "/..") {
            path = path.size() == 3 ? std::string_view{"/"} : path.substr(3);
            auto const slash = out.rfind('/');
            out.resize(slash == std::string::npos ? 0 : slash);
        } else if (path == "." || path == "..") {
            path = {};
        } else {
            auto const next = path.find('/', 1);
            out.append(path.substr(0, next));
            path = next == std::string_view::npos ? std::string_view{} : path.substr(next);
        }
    }
    return out;
}

}  // namespace

std::string Url::authority() const { return port == 80 ? host : host + ":" + std::to_string(port); }

std::string Url::str() const { return "http://" + authority() + target; }

Url parse_url(std::string_view url) {
    if (starts_with_scheme(url, "https://")) refuse(url, "https:// is not supported yet");
    if (!starts_with_scheme(url, "http://")) refuse(url, "not an http:// URL");
    for (char c : url) {
        auto const u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f) refuse(url, "a space or control character in the URL");
    }
    std::string_view rest = url.substr(7);
    auto const end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, end);
    Url out;
    std::string_view tail = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    if (auto const hash = tail.find('#'); hash != std::string_view::npos) tail = tail.substr(0, hash);
    out.target = tail.empty() || tail.front() != '/' ? "/" + std::string(tail) : std::string(tail);
    if (authority.find('@') != std::string_view::npos) refuse(url, "user information in the URL is not supported");
    auto const close = authority.rfind(']');
    auto const colon = authority.rfind(':');
    if (colon != std::string_view::npos && (close == std::string_view::npos || colon > close)) {
        std::string_view const digits = authority.substr(colon + 1);
        unsigned port = 0;
        auto const [last, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
        if (!digits.empty() && (ec != std::errc{} || last != digits.data() + digits.size() || port == 0 || port > 65535))
            refuse(url, "a bad port in the URL");
        if (!digits.empty()) out.port = static_cast<std::uint16_t>(port);
        authority = authority.substr(0, colon);
    }
    if (authority.empty()) refuse(url, "no host in the URL");
    if (authority.front() == '[' && authority.back() != ']') refuse(url, "a malformed IPv6 address in the URL");
    out.host.reserve(authority.size());
    for (char c : authority) out.host.push_back(tern::detail::ascii_lower(c));
    return out;
}

std::string resolve_reference(Url const& base, std::string_view reference) {
    if (auto const hash = reference.find('#'); hash != std::string_view::npos) reference = reference.substr(0, hash);
    auto const colon = reference.find(':');
    auto const delimiter = reference.find_first_of("/?");
    if (colon != std::string_view::npos && (delimiter == std::string_view::npos || colon < delimiter) && colon > 0)
        return std::string(reference);   // has a scheme of its own
    if (reference.starts_with("//")) return "http:" + std::string(reference);
    std::string const origin = "http://" + base.authority();
    if (reference.empty()) return origin + base.target;
    if (reference.front() == '/') {
        auto const query = reference.find('?');
        std::string path = remove_dot_segments(reference.substr(0, query));
        return origin + path + std::string(query == std::string_view::npos ? "" : reference.substr(query));
    }
    std::string_view const base_path = std::string_view{base.target}.substr(0, base.target.find('?'));
    if (reference.front() == '?') return origin + std::string(base_path) + std::string(reference);
    auto const query = reference.find('?');
    std::string merged = std::string(base_path.substr(0, base_path.rfind('/') + 1)) + std::string(reference.substr(0, query));
    return origin + remove_dot_segments(merged) +
           std::string(query == std::string_view::npos ? "" : reference.substr(query));
}

std::string with_base(std::string_view base_url, std::string_view url) {
    auto const colon = url.find(':');
    auto const delimiter = url.find_first_of("/?");
    bool const absolute = colon != std::string_view::npos && colon > 0 &&
                          (delimiter == std::string_view::npos || colon < delimiter);
    if (absolute || base_url.empty()) return std::string(url);
    std::string out{base_url};
    if (!out.empty() && out.back() == '/' && !url.empty() && url.front() == '/') out.pop_back();
    else if (!out.empty() && out.back() != '/' && !url.empty() && url.front() != '/' && url.front() != '?') out += '/';
    return out + std::string(url);
}

}  // namespace tern::http::detail
