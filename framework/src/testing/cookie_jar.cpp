#include <tern/testing/cookie_jar.hpp>

#include <algorithm>
#include <charconv>
#include <ctime>

#include "http/http_chars.hpp"

namespace tern::testing {

namespace {

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// The next ';'-separated part of `rest`, trimmed; `rest` moves past it.
std::string_view next_part(std::string_view& rest) noexcept {
    auto const end = rest.find(';');
    std::string_view const part = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    return trim(part);
}

// RFC 6265 5.1.4: the directory of the request path, for a cookie set without a Path.
std::string default_path(std::string_view request_path) {
    auto const query = request_path.find('?');
    request_path = request_path.substr(0, query);
    auto const slash = request_path.rfind('/');
    if (request_path.empty() || request_path.front() != '/' || slash == 0 || slash == std::string_view::npos) return "/";
    return std::string(request_path.substr(0, slash));
}

bool path_matches(std::string_view cookie_path, std::string_view request_path) noexcept {
    if (!request_path.starts_with(cookie_path)) return false;
    return request_path.size() == cookie_path.size() || cookie_path.ends_with('/') ||
           request_path[cookie_path.size()] == '/';
}

// An Expires date (IMF-fixdate, as servers send it) before now; an unreadable date is not.
bool expired(std::string_view date) {
    std::tm tm{};
    std::string const text{date};
    char const* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return end != nullptr && timegm(&tm) <= std::time(nullptr);
}

}  // namespace

void CookieJar::store(std::string_view set_cookie, std::string_view request_path) {
    std::string_view rest = set_cookie;
    std::string_view const pair = next_part(rest);
    auto const eq = pair.find('=');
    if (eq == std::string_view::npos || trim(pair.substr(0, eq)).empty()) return;
    std::string name{trim(pair.substr(0, eq))};
    std::string value{trim(pair.substr(eq + 1))};
    std::string path = default_path(request_path);
    bool deleted = false;
    bool max_age_seen = false;
    while (!rest.empty()) {
        std::string_view const attribute = next_part(rest);
        auto const aeq = attribute.find('=');
        std::string_view const key = trim(attribute.substr(0, aeq));
        std::string_view const arg = aeq == std::string_view::npos ? std::string_view{} : trim(attribute.substr(aeq + 1));
        if (tern::detail::iequals(key, "path")) {
            if (arg.starts_with('/')) path = arg;
        } else if (tern::detail::iequals(key, "max-age")) {
            long long seconds = 0;
            auto const [ptr, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), seconds);
            if (ec == std::errc{}) {
                max_age_seen = true;   // Max-Age wins over Expires (RFC 6265 5.3 step 3)
                deleted = seconds <= 0;
            }
        } else if (tern::detail::iequals(key, "expires") && !max_age_seen) {
            deleted = expired(arg);
        }
    }
    remove(name, path);
    if (!deleted) cookies_.push_back({std::move(name), std::move(value), std::move(path)});
}

std::string CookieJar::header_for(std::string_view path) const {
    path = path.substr(0, path.find('?'));
    std::vector<Cookie const*> matching;
    for (auto const& c : cookies_)
        if (path_matches(c.path, path)) matching.push_back(&c);
    // Longer paths first; among equal paths, the order they were set in.
    std::stable_sort(matching.begin(), matching.end(),
                     [](Cookie const* a, Cookie const* b) { return a->path.size() > b->path.size(); });
    std::string header;
    for (Cookie const* c : matching) {
        if (!header.empty()) header += "; ";
        header += c->name;
        header += '=';
        header += c->value;
    }
    return header;
}

std::string_view CookieJar::get(std::string_view name) const noexcept {
    for (auto const& c : cookies_)
        if (c.name == name) return c.value;
    return {};
}

void CookieJar::set(std::string name, std::string value, std::string path) {
    remove(name, path);
    cookies_.push_back({std::move(name), std::move(value), std::move(path)});
}

bool CookieJar::remove(std::string_view name, std::string_view path) {
    auto const it = std::find_if(cookies_.begin(), cookies_.end(),
                                 [&](Cookie const& c) { return c.name == name && c.path == path; });
    if (it == cookies_.end()) return false;
    cookies_.erase(it);
    return true;
}

}  // namespace tern::testing
