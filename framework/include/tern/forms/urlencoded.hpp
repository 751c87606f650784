#pragma once
// application/x-www-form-urlencoded bodies (WHATWG URL's form-urlencoded parser, but strict
// about escapes): name=value pairs joined by '&'.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tern/forms/limits.hpp>

namespace tern::forms {

/// Decodes `body` into its name/value pairs, in order, duplicates kept. '+' is a space and %XX
/// a byte; a pair without '=' has an empty value, and empty pairs ("a=1&&b=2") are skipped.
/// The result owns its strings, so `body` may die right after the call.
/// Throws FormError 400 for a malformed escape ("%zz", a '%' near the end), and 413 when the
/// body passes limits.max_in_memory_bytes, the pairs limits.max_parts, or a decoded name or
/// value limits.max_field_size.
std::vector<std::pair<std::string, std::string>> parse_urlencoded(std::string_view body, FormLimits const& limits);

}  // namespace tern::forms
