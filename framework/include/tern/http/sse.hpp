#pragma once
// Server-Sent Events (the WHATWG EventSource protocol): events from a generator, formatted,
// streamed unbuffered as text/event-stream, with a heartbeat so proxies keep the connection.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <tern/core/generator.hpp>
#include <tern/http/request.hpp>
#include <tern/http/response.hpp>

namespace tern::sse {

/// One event. `data` may span lines (each becomes its own `data:` line, and the browser joins
/// them with "\n"); `event` names it for addEventListener (empty: "message"); `id` becomes the
/// stream's last event id, sent back by a reconnecting client as Last-Event-ID; `retry` tells the
/// client how long to wait before reconnecting.
struct Event {
    // Default member initializers let `{.data = ..., .event = "tick"}` name only some fields
    // without -Wmissing-field-initializers warnings in users' builds.
    std::string data{};
    std::string event{};
    std::string id{};
    std::optional<std::chrono::milliseconds> retry{};
};

struct Options {
    /// A comment line (": heartbeat") is sent when no event has gone out for this long, so idle
    /// proxies and load balancers do not cut the stream. Zero sends none.
    std::chrono::milliseconds heartbeat{15'000};
};

/// The event's wire form, ending with the blank line that dispatches it. Line breaks in
/// `data` (LF, CRLF or CR) split it into data lines. Throws std::invalid_argument when `event`
/// or `id` hold a line break, or `id` a NUL: those cannot be sent without changing the stream.
std::string format(Event const& event);

/// A streamed text/event-stream response (`Cache-Control: no-cache`, `X-Accel-Buffering: no`
/// so nginx does not buffer it) whose body is `events`, formatted as each is yielded. The
/// generator is destroyed as soon as the client disconnects.
Response response(Generator<Event> events, Options options = {});

/// The Last-Event-ID a reconnecting EventSource sends ("" on the first connection).
inline std::string_view last_event_id(Request const& req) noexcept { return req.header("Last-Event-ID"); }

}  // namespace tern::sse
