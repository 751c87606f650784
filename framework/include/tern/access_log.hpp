#pragma once
// The access log middleware: one line per request, through tern's logger.
#include <tern/middleware.hpp>

namespace tern {

/// Logs each request in Common Log Format, plus the route pattern and the duration:
/// `127.0.0.1 - - [22/Nov/2026:10:00:00 +0000] "GET /hello/ann HTTP/1.1" 200 12 "/hello/{name}" 0.081ms`.
/// Add it first (or with App::use_outermost) so that it sees every response, errors included.
Middleware access_log();

}  // namespace tern
