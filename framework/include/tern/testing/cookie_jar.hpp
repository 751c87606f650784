#pragma once
// tern::testing::CookieJar: the cookies a test client keeps between calls, like a browser
// session talking to one host.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tern::testing {

/// A simple session jar for one host: a cookie is its name, value and path (RFC 6265 5.1.4
/// path matching). Domain, Secure and expiry dates are not kept: every cookie lasts the jar's
/// lifetime, except that Max-Age=0 (or negative), or an Expires date in the past, deletes it.
class CookieJar {
public:
    /// Takes in one Set-Cookie value ("sid=abc; Path=/; HttpOnly") from a response to a request
    /// for `request_path`. A value without '=' in its first pair is ignored.
    void store(std::string_view set_cookie, std::string_view request_path);
    /// The Cookie header value for a request to `path` ("a=1; b=2"), "" when no cookie matches.
    /// Longer paths first, as RFC 6265 5.4 asks.
    std::string header_for(std::string_view path) const;
    /// The value of the cookie of that name (any path), or "" when there is none. Valid until the
    /// jar changes.
    std::string_view get(std::string_view name) const noexcept;
    /// Sets a cookie by hand, as if a response had set it.
    void set(std::string name, std::string value, std::string path = "/");
    /// Forgets the cookie of that name and path; returns whether there was one.
    bool remove(std::string_view name, std::string_view path = "/");
    void clear() noexcept { cookies_.clear(); }
    std::size_t size() const noexcept { return cookies_.size(); }

private:
    struct Cookie {
        std::string name;
        std::string value;
        std::string path;
    };
    std::vector<Cookie> cookies_;   // a dozen at most in a test: a list beats a map
};

}  // namespace tern::testing
