#include "metrics.hpp"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "loop_monitor.hpp"

namespace tern::detail {

void RouteMetrics::record(int status_code, std::chrono::microseconds latency) noexcept {
    auto const code = static_cast<std::uint32_t>(status_code);
    std::size_t slot = code % status_slots;
    for (std::size_t probe = 0; probe < status_slots; ++probe, slot = (slot + 1) % status_slots) {
        auto const held = status[slot].load(std::memory_order_relaxed);
        if (held == code) break;
        if (held == 0) {
            status[slot].store(code, std::memory_order_relaxed);
            break;
        }
    }
    if (status[slot].load(std::memory_order_relaxed) != code) slot = 0;   // table full: lump together
    bump(count[slot]);
    double const seconds = static_cast<double>(latency.count()) / 1e6;
    std::size_t b = 0;
    while (b < latency_buckets.size() && seconds > latency_buckets[b]) ++b;
    if (b < latency_buckets.size()) bump(bucket[b]);
    bump(latency_sum_us, static_cast<std::uint64_t>(latency.count()));
    bump(requests);
}

namespace {

std::string label_value(std::string_view v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

void render_requests(MetricsSources const& s, std::string& out) {
    out += "# HELP tern_requests_total Requests answered, by route pattern and status.\n"
           "# TYPE tern_requests_total counter\n";
    for (std::size_t r = 0; r <= s.route_patterns.size(); ++r) {
        std::string const route = r < s.route_patterns.size() ? label_value(s.route_patterns[r]) : "(unmatched)";
        // Sum each status over loops; slots may differ per loop, so gather by code.
        std::vector<std::pair<std::uint32_t, std::uint64_t>> totals;
        for (auto const* loop : s.loops) {
            auto const& m = loop->routes[r];
            for (std::size_t i = 0; i < RouteMetrics::status_slots; ++i) {
                auto const n = m.count[i].load(std::memory_order_relaxed);
                if (n == 0) continue;
                auto const code = m.status[i].load(std::memory_order_relaxed);
                auto it = std::find_if(totals.begin(), totals.end(), [&](auto const& t) { return t.first == code; });
                if (it == totals.end()) totals.emplace_back(code, n);
                else it->second += n;
            }
        }
        for (auto const& [code, n] : totals)
            fmt::format_to(std::back_inserter(out), "tern_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", route,
                           code ? std::to_string(code) : "other", n);
    }
}

void render_latency(MetricsSources const& s, std::string& out) {
    out += "# HELP tern_request_duration_seconds Time from a complete request to its response, by route.\n"
           "# TYPE tern_request_duration_seconds histogram\n";
    for (std::size_t r = 0; r <= s.route_patterns.size(); ++r) {
        std::array<std::uint64_t, latency_buckets.size()> buckets{};
        std::uint64_t count = 0, sum_us = 0;
        for (auto const* loop : s.loops) {
            auto const& m = loop->routes[r];
            for (std::size_t b = 0; b < buckets.size(); ++b) buckets[b] += m.bucket[b].load(std::memory_order_relaxed);
            count += m.requests.load(std::memory_order_relaxed);
            sum_us += m.latency_sum_us.load(std::memory_order_relaxed);
        }
        if (count == 0) continue;
        std::string const route = r < s.route_patterns.size() ? label_value(s.route_patterns[r]) : "(unmatched)";
        std::uint64_t cumulative = 0;
        for (std::size_t b = 0; b < buckets.size(); ++b) {
            cumulative += buckets[b];
            fmt::format_to(std::back_inserter(out), "tern_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                           route, latency_buckets[b], cumulative);
        }
        fmt::format_to(std::back_inserter(out),
                       "tern_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n"
                       "tern_request_duration_seconds_sum{{route=\"{}\"}} {}\n"
                       "tern_request_duration_seconds_count{{route=\"{}\"}} {}\n",
                       route, count, route, static_cast<double>(sum_us) / 1e6, route, count);
    }
}

}  // namespace

std::string render_metrics(MetricsSources const& s) {
    std::string out;
    render_requests(s, out);
    render_latency(s, out);
    std::uint64_t open = 0, in_flight = 0, abandoned = 0;
    for (auto const* loop : s.loops) {
        open += loop->open_connections.load(std::memory_order_relaxed);
        in_flight += loop->in_flight.load(std::memory_order_relaxed);
        abandoned += loop->abandoned.load(std::memory_order_relaxed);
    }
    fmt::format_to(std::back_inserter(out),
                   "# HELP tern_open_connections Connections open now.\n# TYPE tern_open_connections gauge\n"
                   "tern_open_connections {}\n"
                   "# HELP tern_in_flight_requests Requests being handled now.\n# TYPE tern_in_flight_requests gauge\n"
                   "tern_in_flight_requests {}\n"
                   "# HELP tern_requests_abandoned_total Requests whose handler was cancelled because the client left.\n"
                   "# TYPE tern_requests_abandoned_total counter\n"
                   "tern_requests_abandoned_total {}\n",
                   open, in_flight, abandoned);
    out += "# HELP tern_loop_lag_seconds How late each loop last answered the stall watchdog's ping.\n"
           "# TYPE tern_loop_lag_seconds gauge\n";
    for (std::size_t i = 0; i < s.loops.size(); ++i)
        if (auto const* monitor = s.loops[i]->monitor)
            fmt::format_to(std::back_inserter(out), "tern_loop_lag_seconds{{loop=\"{}\"}} {}\n", i,
                           static_cast<double>(monitor->lag().count()) / 1e6);
    fmt::format_to(std::back_inserter(out),
                   "# HELP tern_offload_queue_depth Blocking calls waiting for a worker.\n"
                   "# TYPE tern_offload_queue_depth gauge\ntern_offload_queue_depth {}\n"
                   "# HELP tern_offload_rejected_total Blocking calls refused with 503 (queue full).\n"
                   "# TYPE tern_offload_rejected_total counter\ntern_offload_rejected_total {}\n"
                   "# HELP tern_draining 1 once the server has begun a graceful drain.\n"
                   "# TYPE tern_draining gauge\ntern_draining {}\n",
                   s.offload_queue_depth, s.offload_rejected, s.draining ? 1 : 0);
    return out;
}

}  // namespace tern::detail
