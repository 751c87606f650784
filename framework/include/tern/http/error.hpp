#pragma once
// The error a handler throws to answer with a status of its choosing.
#include <stdexcept>
#include <string>
#include <string_view>

namespace tern {

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

}  // namespace tern
