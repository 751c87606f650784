#pragma once
// The loop-stall detector's public face: what it does when a loop stays busy too long, and the
// error strict mode raises. The detector itself is private (src/observe/loop_monitor.*); the
// server's options (tern/http/app.hpp) choose the mode.
#include <stdexcept>

namespace tern {

/// What the loop-stall detector does when a loop stays busy past the threshold.
enum class StallMode {
    off,    // no watchdog
    log,    // log a warning once per stall, with the loop, the duration and the request
    fail,   // log an error, and make Server::stop() throw StallError (strict mode, for tests)
};

/// Thrown by Server::stop() in StallMode::fail when a loop stalled while serving.
class StallError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace tern
