#pragma once
// The pieces of HTTP header grammar (RFC 9110 5.6) that Sec-WebSocket-Extensions and
// Sec-WebSocket-Protocol are made of: lists split at commas outside quoted strings, tokens,
// optional whitespace. Private to the websocket layer.
#include <string>
#include <string_view>
#include <vector>

namespace tern::websocket::detail {

/// Whether `text` is a non-empty token (RFC 9110 5.6.2).
bool is_token(std::string_view text) noexcept;

/// `text` without the spaces and tabs around it.
std::string_view trim_ows(std::string_view text) noexcept;

/// `text` cut at every `separator` that is not inside a quoted string, each piece trimmed.
/// The views point into `text`.
std::vector<std::string_view> split_outside_quotes(std::string_view text, char separator);

/// The value of a token or a quoted string ("\"12\"" is "12"), or false for neither.
bool unquote(std::string_view text, std::string& value);

/// Whether `a` and `b` are equal ignoring ASCII case.
bool iequals(std::string_view a, std::string_view b) noexcept;
/// Whether the comma-separated field value `list` holds `token`, ignoring case ("Upgrade" in
/// "keep-alive, upgrade").
bool list_has_token(std::string_view list, std::string_view token);

}  // namespace tern::websocket::detail
