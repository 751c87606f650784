#pragma once
// The exceptions and error codes the async core reports. API.md fixes the user-facing names;
// HTTP's own error (HttpError) is in tern/http/error.hpp.
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace tern {

/// Thrown into a task at its suspension point after `cancel()` (asyncio's CancelledError).
/// Catch it only to clean up, then let it propagate.
class CancelledError : public std::exception {
public:
    const char* what() const noexcept override { return "task cancelled"; }
};

/// Thrown by wait_for when the deadline passes first; the inner task has been cancelled.
class TimeoutError : public std::runtime_error {
public:
    TimeoutError() : std::runtime_error("timed out") {}
    /// One that says what was waited for ("no WebSocket message from the server in time").
    explicit TimeoutError(std::string const& message) : std::runtime_error(message) {}
};

/// libuv's negative status codes as std::error_code values, with libuv's messages.
const std::error_category& uv_category() noexcept;

/// Maps a libuv status (0 or a negative UV_E* code) to an error_code; 0 is "no error".
inline std::error_code uv_error(int status) noexcept {
    return status < 0 ? std::error_code(-status, uv_category()) : std::error_code();
}

}  // namespace tern
