#pragma once
// Header values with parameters (RFC 9110 5.6.6), as Content-Type and Content-Disposition
// carry them, and the case-insensitive comparisons they need. Private to the forms layer.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tern::forms::detail {

/// `text` with leading and trailing spaces and tabs removed (RFC 9110's OWS).
std::string_view trim(std::string_view text) noexcept;
/// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b) noexcept;
std::string to_lower(std::string_view text);
/// A tchar of RFC 9110 5.6.2: what header names and parameter names are made of.
bool is_tchar(char c) noexcept;
/// A byte as an error message shows it: 'x' when printable, 0x0a otherwise.
std::string describe(char c);

/// `type; name=value; name="quoted value"`, taken apart.
struct HeaderValue {
    /// What precedes the first ';', trimmed, case as sent ("form-data", "multipart/form-data").
    std::string_view value;
    /// The parameters in order: names lower-cased, values unquoted (quoted-pairs resolved).
    std::vector<std::pair<std::string, std::string>> params;

    /// The parameter's value, or null when absent. Valid while this HeaderValue lives.
    std::string const* param(std::string_view name) const noexcept;
};

/// Parses `text`. The result's `value` is a view into `text`. A malformed parameter (no name,
/// no '=', an unterminated quoted string, a name given twice) throws FormError 400 whose
/// message starts with `context`, e.g. "multipart part 2: Content-Disposition".
HeaderValue parse_header_value(std::string_view text, std::string_view context);

}  // namespace tern::forms::detail
