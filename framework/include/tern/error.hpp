#pragma once
// The exceptions and error codes tern reports. API.md fixes the user-facing names.
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
};

/// Thrown anywhere in a handler (or middleware), it becomes a response with that status and
/// the body `{"detail": detail}` (FastAPI's HTTPException). The connection stays usable.
class HttpError : public std::runtime_error {
public:
    HttpError(int status, std::string detail) : std::runtime_error(detail), status_(status) {}
    int status() const noexcept { return status_; }
    std::string_view detail() const noexcept { return what(); }

private:
    int status_;
};

/// libuv's negative status codes as std::error_code values, with libuv's messages.
const std::error_category& uv_category() noexcept;

/// Maps a libuv status (0 or a negative UV_E* code) to an error_code; 0 is "no error".
inline std::error_code uv_error(int status) noexcept {
    return status < 0 ? std::error_code(-status, uv_category()) : std::error_code();
}

}  // namespace tern
