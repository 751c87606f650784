#pragma once
// Request metrics for /metrics (Prometheus text format). Each loop writes only its own
// counters (single writer: relaxed loads and stores, no locked instructions on the request
// path); a scrape on any loop sums them.
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tern::detail {

class LoopMonitor;

/// Adds one to a counter that only this thread writes.
inline void bump(std::atomic<std::uint64_t>& counter, std::uint64_t by = 1) noexcept {
    counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

/// The latency buckets, in seconds (Prometheus' defaults).
inline constexpr std::array<double, 11> latency_buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                           0.5,   1.0,  2.5,   5.0,  10.0};

/// One route's counters on one loop.
struct RouteMetrics {
    static constexpr std::size_t status_slots = 16;
    // Requests by status: a small open-addressed table, so an unusual status costs nothing to
    // the others; statuses beyond the slots are counted under 0.
    std::array<std::atomic<std::uint32_t>, status_slots> status{};
    std::array<std::atomic<std::uint64_t>, status_slots> count{};
    std::array<std::atomic<std::uint64_t>, latency_buckets.size()> bucket{};   // not cumulative
    std::atomic<std::uint64_t> latency_sum_us{0};
    std::atomic<std::uint64_t> requests{0};

    void record(int status_code, std::chrono::microseconds latency) noexcept;
};

/// One loop's metrics. Routes are indexed as in the App; the last index counts requests that
/// matched no route (404, 405, automatic OPTIONS).
struct LoopMetrics {
    explicit LoopMetrics(std::size_t routes) : routes(routes + 1) {}
    std::vector<RouteMetrics> routes;
    std::atomic<std::uint64_t> open_connections{0};
    std::atomic<std::uint64_t> in_flight{0};
    std::atomic<std::uint64_t> abandoned{0};   // handlers cancelled because their client left
    LoopMonitor* monitor = nullptr;
};

/// Everything a scrape needs to read.
struct MetricsSources {
    std::vector<LoopMetrics const*> loops;
    std::vector<std::string_view> route_patterns;   // one per route, in App order
    std::size_t offload_queue_depth = 0;
    std::size_t offload_rejected = 0;
    bool draining = false;
};

/// Renders the Prometheus text exposition of `sources`.
std::string render_metrics(MetricsSources const& sources);

}  // namespace tern::detail
