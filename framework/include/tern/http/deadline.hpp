#pragma once
// The header a caller's deadline travels in between tern services.
#include <string_view>

namespace tern {

/// Milliseconds the caller will still wait for the answer. tern::http::Client sends the time
/// left of the calling task's deadline in it; a server honours it up to
/// ServerOptions::max_caller_timeout. (userver and gRPC pass deadlines the same way.)
inline constexpr std::string_view deadline_header = "X-Request-Timeout-Ms";

}  // namespace tern
