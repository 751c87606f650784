#pragma once
// Exceptions escaping a handler, turned into the response the client gets.
#include <exception>

#include <tern/http/request.hpp>
#include <tern/http/response.hpp>

namespace tern::detail {

/// HttpError -> its status with {"detail": ...}; json::ParseError -> 400; json::ValidationError
/// -> 422 listing every problem; anything else -> 500 {"detail":"Internal Server Error"},
/// logged once with the route and the message.
Response error_response(std::exception_ptr const& error, Request const& req);

/// Appends `s` as a JSON string: quotes, backslashes and control bytes escaped, other bytes
/// copied as they are. For text a request brought in (error details, log fields), which need
/// not be valid UTF-8; readers of these small documents replace invalid sequences.
void append_json_string(std::string& out, std::string_view s);

/// A response with body {"detail": detail}.
Response detail_response(int status, std::string_view detail);

}  // namespace tern::detail
