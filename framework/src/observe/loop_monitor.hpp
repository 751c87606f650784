#pragma once
// The loop-stall detector: asyncio's "don't block the event loop", caught for the user. A
// watchdog thread pings each loop through a uv_async handle; a loop that is polling answers at
// once, so a ping left unanswered longer than the threshold means the loop is stuck in some
// callback (a handler that blocks). libuv runs I/O callbacks inside its poll phase, so marking
// the phases with prepare/check handles would miss exactly those stalls; the ping does not.
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <uv.h>

#include <tern/observe/stall.hpp>

namespace tern::detail {

/// Written by its loop's thread only, read by the watchdog: every field is atomic, and the
/// request description is published under a sequence counter (a seqlock of atomic words).
class LoopMonitor {
public:
    explicit LoopMonitor(unsigned index) noexcept : index_(index) {}
    LoopMonitor(LoopMonitor const&) = delete;
    LoopMonitor& operator=(LoopMonitor const&) = delete;

    /// Starts answering pings on `loop` (a uv_async handle, closed by stop()). Loop thread.
    void start(uv_loop_t* loop);
    void stop() noexcept;

    /// Watchdog thread: sends a ping unless one is still unanswered. Returns the time the
    /// outstanding ping was sent, or 0 when the loop is not running.
    std::int64_t ping(std::int64_t now_us) noexcept;
    /// The time of the ping still unanswered, or 0.
    std::int64_t outstanding() const noexcept { return pinged_us_.load(); }
    /// The latest ping-to-answer delay: the loop's lag, for /metrics.
    std::chrono::microseconds lag() const noexcept { return std::chrono::microseconds(lag_us_.load()); }

    /// Notes the request this loop is about to run: what a stall report names. `route` must
    /// outlive the server (the App's router owns it); the rest is copied. Cheap: a few stores.
    void note_request(std::string_view method, std::string_view route, std::string_view request_id) noexcept;

    /// The monitor of the loop running on this thread, or null.
    static LoopMonitor* current() noexcept;

    unsigned index() const noexcept { return index_; }

    /// The last noted request, as "GET /report (request id abc)".
    std::string describe_request() const;

    static std::int64_t now_us() noexcept;

private:
    static constexpr std::size_t id_words = 8;   // up to 64 bytes of request id
    unsigned index_;
    std::mutex mutex_;                    // guards async_ against a ping racing stop()
    uv_async_t* async_ = nullptr;         // heap: libuv needs it until its close callback
    std::atomic<std::int64_t> pinged_us_{0};    // 0 when no ping is outstanding
    std::atomic<std::int64_t> lag_us_{0};
    std::atomic<std::uint32_t> seq_{0};
    std::atomic<std::uint64_t> method_{0};               // up to 8 bytes of the method
    std::atomic<char const*> route_{nullptr};
    std::atomic<std::size_t> route_size_{0};
    std::atomic<std::size_t> id_size_{0};
    std::array<std::atomic<std::uint64_t>, id_words> id_{};
};

/// One thread per server that checks every loop a few times per threshold.
class StallWatchdog {
public:
    StallWatchdog(std::vector<LoopMonitor*> monitors, std::chrono::milliseconds threshold, StallMode mode);
    ~StallWatchdog();   // stops and joins
    StallWatchdog(StallWatchdog const&) = delete;
    StallWatchdog& operator=(StallWatchdog const&) = delete;

    std::size_t stalls() const noexcept { return stalls_.load(); }
    /// Descriptions of the stalls seen so far (for StallMode::fail's error).
    std::vector<std::string> reports() const;

private:
    void watch();

    std::vector<LoopMonitor*> monitors_;
    std::vector<std::int64_t> reported_;   // the ping time of the stall last reported, per loop
    std::chrono::milliseconds threshold_;
    StallMode mode_;
    std::atomic<std::size_t> stalls_{0};
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::vector<std::string> reports_;
    std::thread thread_;
};

}  // namespace tern::detail
