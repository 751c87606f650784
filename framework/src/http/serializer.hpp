#pragma once
// Response -> HTTP/1.1 bytes, appended to the connection's output buffer. No I/O.
#include <string>

#include <tern/http/response.hpp>

namespace tern::detail {

struct SerializeOptions {
    bool head = false;              // HEAD: the same headers as GET, no body
    bool close = false;             // announce `Connection: close`
    bool http10_keep_alive = false; // an HTTP/1.0 client asked for keep-alive: confirm it
    bool chunked = false;           // a streamed body to an HTTP/1.1 client: announce chunked
};

/// Appends the status line, headers (Server, Date, Content-Type, Content-Length, the
/// response's own) and body to `out`, which keeps its capacity across requests. For a stream
/// or a file only the head is appended; the connection sends the body (body_writer.hpp).
void serialize_response(Response const& res, SerializeOptions options, std::string& out);

/// Appends a complete error response with a JSON body `{"detail": detail}`.
void serialize_error(int status, std::string_view detail, bool close, std::string& out);

/// The IMF-fixdate for now ("Sun, 06 Nov 1994 08:49:37 GMT"), formatted at most once a
/// second per thread, which is to say per loop.
std::string_view http_date() noexcept;

}  // namespace tern::detail
