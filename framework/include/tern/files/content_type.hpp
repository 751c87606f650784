#pragma once
// The Content-Type of a static file, guessed from its extension (nginx's mime.types, in small).
#include <string_view>

namespace tern::files {

/// The media type for `path`, chosen by the extension of its last segment, compared
/// case-insensitively (`SITE.CSS` is CSS). Text types carry `; charset=utf-8`, because a browser
/// that guesses another charset garbles every non-ASCII character of a page or a script.
/// A name with no extension, an unknown one or a dotfile (`.env`, whose dot starts the name,
/// not an extension) is `application/octet-stream`: never sniffed as HTML by a browser told
/// `nosniff`, and downloaded rather than rendered otherwise.
/// The result points into a static table and stays valid for the whole program.
std::string_view content_type_for(std::string_view path) noexcept;

}  // namespace tern::files
