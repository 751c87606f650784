#include "cookie_jar.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>

#include "http/http_chars.hpp"

namespace tern::http::detail {
namespace {

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) out.push_back(tern::detail::ascii_lower(c));
    return out;
}

std::string_view path_of(Url const& url) noexcept {
    std::string_view const target = url.target;
    return target.substr(0, target.find('?'));
}

// RFC 6265 5.1.4: the directory of the request path.
std::string default_path(Url const& url) {
    std::string_view const path = path_of(url);
    auto const slash = path.rfind('/');
    if (slash == 0 || slash == std::string_view::npos) return "/";
    return std::string(path.substr(0, slash));
}

bool path_matches(std::string_view request_path, std::string_view cookie_path) noexcept {
    if (request_path == cookie_path) return true;
    if (!request_path.starts_with(cookie_path)) return false;
    return cookie_path.back() == '/' || request_path[cookie_path.size()] == '/';
}

bool is_ip(std::string_view host) noexcept {
    if (host.starts_with('[')) return true;
    return !host.empty() && host.find_first_not_of("0123456789.") == std::string_view::npos;
}

bool domain_matches(std::string_view host, std::string_view domain) noexcept {
    if (host == domain) return true;
    return !is_ip(host) && host.size() > domain.size() && host.ends_with(domain) &&
           host[host.size() - domain.size() - 1] == '.';
}

// "Wed, 21 Oct 2015 07:28:00 GMT" (RFC 1123; the other date forms are not understood and the
// attribute is then ignored, leaving a session cookie).
std::optional<CookieJar::Time> parse_http_date(std::string_view text) {
    std::string const copy{text};
    std::tm tm{};
    char const* end = ::strptime(copy.c_str(), "%a, %d %b %Y %H:%M:%S", &tm);
    if (!end) return std::nullopt;
    return std::chrono::system_clock::from_time_t(::timegm(&tm));
}

}  // namespace

void CookieJar::store(std::string_view set_cookie, Url const& url, Time now) {
    std::string_view rest = set_cookie;
    auto const semi = rest.find(';');
    std::string_view const pair = trim(rest.substr(0, semi));
    rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
    auto const eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) return;
    Cookie cookie;
    cookie.name = std::string(trim(pair.substr(0, eq)));
    cookie.value = std::string(trim(pair.substr(eq + 1)));
    cookie.domain = url.host;
    cookie.path = default_path(url);
    std::optional<Time> max_age;
    while (!rest.empty()) {
        auto const next = rest.find(';');
        std::string_view const attribute = trim(rest.substr(0, next));
        rest = next == std::string_view::npos ? std::string_view{} : rest.substr(next + 1);
        auto const aeq = attribute.find('=');
        std::string const name = lower(trim(attribute.substr(0, aeq)));
        std::string_view const value = aeq == std::string_view::npos ? std::string_view{} : trim(attribute.substr(aeq + 1));
        if (name == "secure") return;
        if (name == "domain" && !value.empty()) {
            std::string domain = lower(value.front() == '.' ? value.substr(1) : value);
            if (!domain_matches(url.host, domain)) return;   // RFC 6265 5.3 step 6
            cookie.domain = std::move(domain);
            cookie.host_only = false;
        } else if (name == "path" && !value.empty() && value.front() == '/') {
            cookie.path = std::string(value);
        } else if (name == "max-age") {
            long long seconds = 0;
            auto const [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
            if (ec == std::errc{} && end == value.data() + value.size())
                max_age = seconds <= 0 ? Time::min() : now + std::chrono::seconds(seconds);
        } else if (name == "expires" && !cookie.expires) {
            cookie.expires = parse_http_date(value);
        }
    }
    if (max_age) cookie.expires = max_age;   // Max-Age wins over Expires
    std::erase_if(cookies_, [&](Cookie const& c) {
        return c.name == cookie.name && c.domain == cookie.domain && c.path == cookie.path;
    });
    if (cookie.expires && *cookie.expires <= now) return;
    cookies_.push_back(std::move(cookie));
}

bool CookieJar::matches(Cookie const& cookie, Url const& url, Time now) const {
    if (cookie.expires && *cookie.expires <= now) return false;
    bool const host_ok = cookie.host_only ? url.host == cookie.domain : domain_matches(url.host, cookie.domain);
    return host_ok && path_matches(path_of(url), cookie.path);
}

std::string CookieJar::header_for(Url const& url, Time now) const {
    std::vector<Cookie const*> chosen;
    for (Cookie const& cookie : cookies_)
        if (matches(cookie, url, now)) chosen.push_back(&cookie);
    // RFC 6265 5.4: longer paths first; otherwise in the order they were stored.
    std::stable_sort(chosen.begin(), chosen.end(),
                     [](Cookie const* a, Cookie const* b) { return a->path.size() > b->path.size(); });
    std::string out;
    for (Cookie const* cookie : chosen) {
        if (!out.empty()) out += "; ";
        out += cookie->name + "=" + cookie->value;
    }
    return out;
}

std::optional<std::string> CookieJar::find(std::string_view name, Url const& url, Time now) const {
    for (Cookie const& cookie : cookies_)
        if (cookie.name == name && matches(cookie, url, now)) return cookie.value;
    return std::nullopt;
}

}  // namespace tern::http::detail
