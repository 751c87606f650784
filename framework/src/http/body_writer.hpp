#pragma once
// Sends the bodies the serializer leaves to the connection: streams (chunk by chunk, with
// backpressure) and files (sendfile). Also reports every special body to its on_sent callbacks.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include <tern/core/task.hpp>
#include <tern/http/response.hpp>
#include <tern/net/tcp.hpp>

namespace tern::detail {

struct BodyWriteOptions {
    bool head = false;                       // HEAD: the head only; a stream is never run
    bool chunked = false;                    // HTTP/1.1 stream: chunked framing; else raw bytes
    std::size_t high_water = 64 * 1024;      // unsent bytes above which a stream's generator waits
    std::chrono::milliseconds write_timeout{};
    std::string_view label;                  // "GET /path", for the log when a body fails
    bool endless = false;                    // Response::ends_on_drain: a drain's stop ends it cleanly
    bool ends_now = false;                   // an endless stream during a drain: only its end is sent
};

/// Writes `head` (the serialized head, after any pipelined responses before it) and then the
/// body of `res`, which has a special body. True when the body went out whole and the
/// connection may serve another request; false when it must close (the client left, a write
/// failed, the generator threw or the file could not be read). A client that leaves while the
/// generator waits cancels the connection's task (CancelledError at the generator's await).
/// `head` is left empty. A stream marked ends_on_drain that a drain stops (CancelledError at the
/// generator's await) is ended cleanly, its last chunk sent, and reports complete.
/// Appends `chunk` framed as one HTTP/1.1 chunk (hex size, CRLF, bytes, CRLF).
void append_chunk(std::string& out, std::string_view chunk);

/// Tells a special body's on_sent callbacks how it went; a callback that throws is logged.
void report_delivery(SpecialBody& body, Delivery const& delivery) noexcept;

Task<bool> send_special_body(TcpStream& stream, Response& res, std::string& head, BodyWriteOptions options);

}  // namespace tern::detail
