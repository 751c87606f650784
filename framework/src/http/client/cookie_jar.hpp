#pragma once
// The client's cookies (RFC 6265, simply): what Set-Cookie stored, sent back in Cookie to the
// hosts and paths it matches until it expires. Secure cookies are dropped: this client speaks
// plain http:// only, where a browser would never send them.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "url.hpp"

namespace tern::http::detail {

class CookieJar {
public:
    using Time = std::chrono::system_clock::time_point;

    /// Stores (or replaces, or with Max-Age=0 or a past Expires removes) the cookie of one
    /// Set-Cookie value received from `url`. A Domain the host does not match is ignored.
    void store(std::string_view set_cookie, Url const& url, Time now);
    /// The Cookie field's value for a request to `url` ("a=1; b=2"), or "" when none applies.
    std::string header_for(Url const& url, Time now) const;
    /// The value of the cookie named `name` that would be sent to `url`, if any.
    std::optional<std::string> find(std::string_view name, Url const& url, Time now) const;
    void clear() noexcept { cookies_.clear(); }
    std::size_t size() const noexcept { return cookies_.size(); }

private:
    struct Cookie {
        std::string name;
        std::string value;
        std::string domain;   // lower case, no leading dot
        std::string path;
        bool host_only = true;
        std::optional<Time> expires;
    };
    bool matches(Cookie const& cookie, Url const& url, Time now) const;
    std::vector<Cookie> cookies_;
};

}  // namespace tern::http::detail
