#pragma once
// Which request methods the parser can receive: llhttp's fixed table (RFC 9110's methods, WebDAV,
// and a few more). A route for any other method could never be reached, so App refuses it at
// registration. Defined in parser.cpp, the one file that sees llhttp.
#include <string_view>

namespace tern::detail {

bool parser_knows_method(std::string_view method) noexcept;

}  // namespace tern::detail
