#pragma once
// The header block of one multipart part, read into a PartHead (RFC 7578 4.2, 4.4). Private.
#include <cstddef>
#include <string_view>

#include <tern/forms/multipart.hpp>

namespace tern::forms::detail {

/// Reads `block`: the part's header lines, each ending in CRLF, without the empty line that
/// ends them. Content-Disposition must be form-data with a name; Content-Type is taken as sent;
/// other headers are ignored. Throws FormError 400 whose message starts with
/// "multipart part <part>: ", e.g. `multipart part 3: header line without ':'`.
PartHead parse_part_head(std::string_view block, std::size_t part);

}  // namespace tern::forms::detail
