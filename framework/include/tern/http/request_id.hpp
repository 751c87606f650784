#pragma once
// The request-id middleware: every request gets an id, for logs and for the client.
#include <tern/http/middleware.hpp>

namespace tern {

/// Takes the client's `X-Request-ID` when it is a short token, else makes one (unique per
/// process), stores it as request state "request_id" (a std::string) and echoes it in the
/// response's `X-Request-ID` header.
Middleware request_id();

}  // namespace tern
