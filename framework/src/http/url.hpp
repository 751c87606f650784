#pragma once
// Percent-decoding of request paths and parsing of query strings (RFC 3986, and the
// application/x-www-form-urlencoded rules browsers use for queries). No I/O, no llhttp.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tern::detail {

/// True when every '%' in `in` starts a well-formed escape (two hex digits) that does not
/// decode to NUL, so that percent_decode(in, ...) will succeed. The parser calls this while
/// parsing, before it has anywhere to decode into.
bool valid_percent_escapes(std::string_view in) noexcept;

/// True when `host` is RFC 9110's `uri-host [":" port]` (Host's grammar, and an absolute-form
/// target's authority without userinfo): a reg-name, an IPv4 address or a bracketed IP literal,
/// then optional digits after a colon. "" is valid (a Host for a URI without authority).
bool valid_host(std::string_view host) noexcept;

/// Appends `in` to `out` with every %XX escape decoded, and '+' as a space when
/// `plus_as_space` (queries only: in a path '+' is a plus). Returns false on a malformed
/// escape (`%4`, `%zz`) or one that decodes to NUL, leaving `out` partly written: a NUL byte
/// must never reach a handler, and an escape that cannot be read cannot be routed.
bool percent_decode(std::string_view in, std::string& out, bool plus_as_space);

/// Like percent_decode with `plus_as_space`, but never fails: a malformed escape, or %00,
/// is kept as the literal text that was sent, as Python's parse_qsl does. Queries use this,
/// because one bad byte in a query should not cost a client the whole request.
void decode_query_component(std::string_view in, std::string& out);

/// Calls `f(key, value)` for each `key=value` pair of `query` ("a=1&b=2&a=3"), in order,
/// repeated keys included, both decoded by decode_query_component. A pair without '=' has
/// the value "", and empty pairs ("a=1&&b=2") are skipped. The views passed to `f` are
/// valid only during that call.
template <typename F>
void for_each_query_param(std::string_view query, F&& f) {
    std::string key;
    std::string value;
    while (!query.empty()) {
        std::size_t const amp = query.find('&');
        std::string_view const pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) continue;
        std::size_t const eq = pair.find('=');
        key.clear();
        value.clear();
        decode_query_component(pair.substr(0, eq), key);
        if (eq != std::string_view::npos) decode_query_component(pair.substr(eq + 1), value);
        f(std::string_view{key}, std::string_view{value});
    }
}

/// Replaces the contents of `out` with the decoded pairs of `query`, as for_each_query_param.
void parse_query(std::string_view query, std::vector<std::pair<std::string, std::string>>& out);

}  // namespace tern::detail
