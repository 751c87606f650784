#pragma once
// What a running server exposes about itself: per-loop metrics and whether it is draining.
// Owned by the running server; the App points at it while serving (for /metrics, /healthz).
#include <atomic>
#include <memory>
#include <vector>

#include <tern/http/app.hpp>

#include "observe/metrics.hpp"

namespace tern {

struct App::Telemetry {
    std::vector<std::unique_ptr<detail::LoopMetrics>> loops;   // empty unless metrics are on
    std::atomic<bool> draining{false};
};

}  // namespace tern
