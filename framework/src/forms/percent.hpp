#pragma once
// %XX decoding, shared by urlencoded bodies and RFC 8187 filename* values. Private.
#include <cstddef>
#include <string>
#include <string_view>

namespace tern::forms::detail {

/// Appends `in` with every %XX replaced by its byte (and '+' by a space if `plus_as_space`)
/// to `out`. Returns the offset in `in` of the first malformed escape, or npos when all are
/// well-formed; on failure `out` holds the bytes decoded before it.
std::size_t percent_decode(std::string_view in, std::string& out, bool plus_as_space);

}  // namespace tern::forms::detail
