#pragma once
// A request's deadline: the handler runs under tern::deadline's kind of scope, and a handler
// cut off by it becomes a 504 (connection.cpp for the server's and the caller's deadline,
// App::dispatch for a route's).
#include <chrono>
#include <optional>

#include <tern/core/task.hpp>
#include <tern/http/request.hpp>
#include <tern/http/response.hpp>

namespace tern::detail {

/// Awaits `answer` for at most `budget`. Past it the handler is cancelled and awaited: a
/// response it still gives (it caught the cancellation) is returned, an exception other than
/// the cancellation is thrown, and otherwise the answer is 504 saying which deadline passed.
Task<Response> answer_within(Task<Response> answer, std::chrono::milliseconds budget);

/// The deadline a request asks for in deadline_header, capped at `max`; nullopt when the
/// header is absent or `max` is 0. A malformed value is ignored.
std::optional<std::chrono::milliseconds> caller_deadline(Request const& req, std::chrono::milliseconds max) noexcept;

}  // namespace tern::detail
