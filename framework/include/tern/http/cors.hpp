#pragma once
// The CORS middleware (FastAPI's CORSMiddleware, aiohttp-cors).
#include <chrono>
#include <string>
#include <vector>

#include <tern/http/middleware.hpp>

namespace tern {

struct CorsOptions {
    std::vector<std::string> allow_origins;   // exact origins, or {"*"}
    std::vector<std::string> allow_methods = {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
    std::vector<std::string> allow_headers = {"Content-Type", "Authorization"};
    bool allow_credentials = false;           // never combined with a literal "*" origin
    std::chrono::seconds max_age{600};
};

/// Answers preflight requests (OPTIONS with Access-Control-Request-Method) from an allowed
/// origin with 204 and the allow headers, without calling the handler, and adds
/// Access-Control-Allow-Origin (and Vary: Origin) to other responses for allowed origins.
/// Requests from other origins pass through untouched: the browser enforces the refusal.
Middleware cors(CorsOptions options);

}  // namespace tern
