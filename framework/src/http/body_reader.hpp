#pragma once
// The body of a request whose route streams it (RouteOptions::stream_body), read from the
// connection piece by piece as the handler asks for it.
#include <chrono>
#include <string_view>

#include <tern/core/generator.hpp>
#include <tern/net/tcp.hpp>

#include "parser.hpp"

namespace tern::detail {

/// Yields the body bytes as they arrive, each piece a view into `input` valid until the next
/// resume, then drops them from `input`, so the buffer never holds more than about one read.
/// Throws HttpError with the parser's status (413 past the route's limit, 400 for bad
/// framing), 408 when no byte arrives for `idle_timeout`, and 400 when the client closes the
/// connection before the body's end. The connection owns all three references for longer.
Generator<std::string_view> read_streamed_body(TcpStream& stream, InputBuffer& input, RequestParser& parser,
                                               std::chrono::milliseconds idle_timeout);

}  // namespace tern::detail
