#pragma once
// The client's URLs: http://host[:port]/path?query split for connecting and for the request
// line, and references (a Location, a path under the base URL) resolved against a URL.
#include <cstdint>
#include <string>
#include <string_view>

namespace tern::http::detail {

struct Url {
    std::string host;          // lower case; an IPv6 literal keeps its brackets ("[::1]")
    std::uint16_t port = 80;
    std::string target;        // "/path?query", never empty; the fragment dropped
    /// host, with ":port" unless it is 80: the Host field, and the pool's key with the scheme.
    std::string authority() const;
    /// "http://" + authority() + target.
    std::string str() const;
};

/// Parses an absolute http:// URL. Throws std::invalid_argument naming the URL for https://
/// ("not supported yet"), another scheme, userinfo, a bad port, or bytes a request line cannot
/// carry (controls, spaces).
Url parse_url(std::string_view url);

/// RFC 3986 5.2: the absolute URL that `reference` (absolute, "//host/x", "/x", "x", "?q")
/// names from `base`, dot segments removed.
std::string resolve_reference(Url const& base, std::string_view reference);

/// The URL a call names: `url` itself when it has a scheme, else `base_url` joined with it.
std::string with_base(std::string_view base_url, std::string_view url);

}  // namespace tern::http::detail
