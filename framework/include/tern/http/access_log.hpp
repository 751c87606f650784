#pragma once
// The access log middleware: one line per request, through tern's logger.
#include <tern/http/middleware.hpp>

namespace tern {

enum class AccessLogFormat {
    /// `127.0.0.1 - - [22/Nov/2026:10:00:00 +0000] "GET /hello/ann HTTP/1.1" 200 12 "/hello/{name}" 0.081ms rid=abc`
    common,
    /// `{"time":"2026-11-22T10:00:00Z","remote":"127.0.0.1","method":"GET","target":"/hello/ann",
    ///   "status":200,"bytes":12,"route":"/hello/{name}","duration_ms":0.081,"request_id":"abc"}`
    json_lines,
};

/// Logs each request in Common Log Format (plus route pattern, duration and request id) or as
/// a JSON line. Add it first (or with App::use_outermost) so it sees every response, errors
/// included; add request_id() after it to log the id.
Middleware access_log(AccessLogFormat format = AccessLogFormat::common);

}  // namespace tern
