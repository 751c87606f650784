#pragma once
// The error a handler throws to answer with a status of its choosing.
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tern/json/error.hpp>

namespace tern {

/// Thrown anywhere in a handler (or middleware), it becomes a response with that status and
/// the body `{"detail": detail}` (FastAPI's HTTPException). The connection stays usable.
class HttpError : public std::runtime_error {
public:
    HttpError(int status, std::string detail) : std::runtime_error(detail), status_(status) {}
    /// With header fields for the response: `{{"WWW-Authenticate", "Bearer"}}` for a 401.
    HttpError(int status, std::string detail, std::vector<std::pair<std::string, std::string>> headers)
        : std::runtime_error(detail), status_(status), headers_(std::move(headers)) {}
    int status() const noexcept { return status_; }
    std::string_view detail() const noexcept { return what(); }
    std::vector<std::pair<std::string, std::string>> const& headers() const noexcept { return headers_; }

private:
    int status_;
    std::vector<std::pair<std::string, std::string>> headers_;
};

/// A typed handler's inputs did not validate: every problem of the request, each with its full
/// location (["query", "limit"], ["body", "items", 2, "price"]). Answered with 422 and FastAPI's
/// body, {"detail": [{"loc": [...], "msg": "...", "type": "..."}, ...]}.
class RequestValidationError : public json::ValidationError {
public:
    using json::ValidationError::ValidationError;
};

}  // namespace tern
