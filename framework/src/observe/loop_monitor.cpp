#include "loop_monitor.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include <fmt/format.h>

#include <tern/core/log.hpp>

namespace tern::detail {

namespace {
thread_local LoopMonitor* current_monitor = nullptr;
}

std::int64_t LoopMonitor::now_us() noexcept {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

LoopMonitor* LoopMonitor::current() noexcept { return current_monitor; }

void LoopMonitor::start(uv_loop_t* loop) {
    auto* async = new uv_async_t;
    async->data = this;
    uv_async_init(loop, async, [](uv_async_t* h) {
        auto* self = static_cast<LoopMonitor*>(h->data);
        auto const sent = self->pinged_us_.exchange(0);
        if (sent) self->lag_us_.store(now_us() - sent);
    });
    uv_unref(reinterpret_cast<uv_handle_t*>(async));   // answering pings must not keep the loop alive
    {
        std::lock_guard lock(mutex_);
        async_ = async;
    }
    current_monitor = this;
}

void LoopMonitor::stop() noexcept {
    current_monitor = nullptr;
    uv_async_t* async;
    {
        std::lock_guard lock(mutex_);
        async = std::exchange(async_, nullptr);
    }
    if (async) uv_close(reinterpret_cast<uv_handle_t*>(async), [](uv_handle_t* h) { delete reinterpret_cast<uv_async_t*>(h); });
    pinged_us_.store(0);
}

std::int64_t LoopMonitor::ping(std::int64_t now) noexcept {
    std::lock_guard lock(mutex_);
    if (!async_) return 0;
    std::int64_t expected = 0;
    if (pinged_us_.compare_exchange_strong(expected, now)) {
        uv_async_send(async_);
        return now;
    }
    return expected;   // still waiting for the answer to this one
}

namespace {
// The first 8 bytes of `text` as a word, laid out as memcpy would (describe_request copies them
// back out). A memcpy of a size unknown until run time is a call into libc, ~15 instructions
// more per request for a method such as GET, so a short text is read as two fixed-size loads that
// overlap in the middle (the bytes they share are the same, so OR-ing them is harmless).
std::uint64_t pack(std::string_view text) noexcept {
    std::uint64_t word = 0;
    if constexpr (std::endian::native == std::endian::little) {
        char const* const p = text.data();
        std::size_t const n = text.size();
        if (n >= 8) {
            std::memcpy(&word, p, 8);
        } else if (n >= 4) {
            std::uint32_t low, high;
            std::memcpy(&low, p, 4);
            std::memcpy(&high, p + n - 4, 4);
            word = low | std::uint64_t{high} << (8 * (n - 4));
        } else if (n >= 2) {
            std::uint16_t low, high;
            std::memcpy(&low, p, 2);
            std::memcpy(&high, p + n - 2, 2);
            word = low | std::uint64_t{high} << (8 * (n - 2));
        } else if (n == 1) {
            word = static_cast<unsigned char>(p[0]);
        }
        return word;
    }
    std::memcpy(&word, text.data(), std::min<std::size_t>(text.size(), 8));
    return word;
}
}  // namespace

void LoopMonitor::note_request(std::string_view method, std::string_view route, std::string_view request_id) noexcept {
    auto const seq = seq_.load(std::memory_order_relaxed);
    seq_.store(seq + 1, std::memory_order_relaxed);   // odd: being written
    // Release stores rather than a release fence, which ThreadSanitizer cannot model (g++ refuses
    // it under -Werror=tsan): a reader that sees any of these words also sees the odd number.
    // On x86 they are plain stores all the same.
    method_.store(pack(method), std::memory_order_release);
    route_.store(route.data(), std::memory_order_release);
    route_size_.store(route.size(), std::memory_order_release);
    auto const id_size = std::min(request_id.size(), id_words * 8);
    id_size_.store(id_size, std::memory_order_release);
    for (std::size_t i = 0; i * 8 < id_size; ++i) id_[i].store(pack(request_id.substr(i * 8)), std::memory_order_release);
    seq_.store(seq + 2, std::memory_order_release);
}

std::string LoopMonitor::describe_request() const {
    for (int attempt = 0; attempt < 8; ++attempt) {
        auto const before = seq_.load(std::memory_order_acquire);
        if (before & 1) continue;
        // Acquire loads, pairing with the writer's release stores: the check of seq_ below
        // cannot move above them, so a word from a newer write shows up as a changed number.
        char method[9] = {};
        auto const m = method_.load(std::memory_order_acquire);
        std::memcpy(method, &m, 8);
        std::string_view const route{route_.load(std::memory_order_acquire), route_size_.load(std::memory_order_acquire)};
        char id[id_words * 8 + 1] = {};
        auto const id_size = id_size_.load(std::memory_order_acquire);
        for (std::size_t i = 0; i * 8 < id_size; ++i) {
            auto const w = id_[i].load(std::memory_order_acquire);
            std::memcpy(id + i * 8, &w, 8);
        }
        if (seq_.load(std::memory_order_relaxed) != before) continue;
        if (before == 0) return "no request yet";
        std::string text = fmt::format("{} {}", method, route);
        if (id_size) text += fmt::format(" (request id {})", std::string_view(id, id_size));
        return text;
    }
    return "a request (being replaced as we looked)";
}

StallWatchdog::StallWatchdog(std::vector<LoopMonitor*> monitors, std::chrono::milliseconds threshold, StallMode mode)
    : monitors_(std::move(monitors)), reported_(monitors_.size(), 0), threshold_(threshold), mode_(mode) {
    if (mode_ != StallMode::off && threshold_.count() > 0) thread_ = std::thread([this] { watch(); });
}

StallWatchdog::~StallWatchdog() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::vector<std::string> StallWatchdog::reports() const {
    std::lock_guard lock(mutex_);
    return reports_;
}

void StallWatchdog::watch() {
    auto const period = std::max(std::chrono::milliseconds(1), threshold_ / 4);
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, period, [this] { return stopping_; })) {
        auto const now = LoopMonitor::now_us();
        for (std::size_t i = 0; i < monitors_.size(); ++i) {
            if (reported_[i] != 0 && monitors_[i]->outstanding() != reported_[i]) {
                log_warn("event loop stall over: loop {} was blocked for {} ms", monitors_[i]->index(),
                         monitors_[i]->lag().count() / 1000);
                reported_[i] = 0;
            }
            auto const sent = monitors_[i]->ping(now);
            auto const waited = std::chrono::microseconds(now - sent);
            if (sent == 0 || waited < threshold_ || reported_[i] == sent) continue;
            reported_[i] = sent;   // once per stall: the unanswered ping identifies it
            auto report = fmt::format("loop {} has not returned to its poll phase for {} ms (threshold {} ms); "
                                      "it was handling: {}",
                                      monitors_[i]->index(), waited.count() / 1000, threshold_.count(),
                                      monitors_[i]->describe_request());
            ++stalls_;
            if (mode_ == StallMode::fail) log_error("event loop stall: {}", report);
            else log_warn("event loop stall: {}", report);
            reports_.push_back(std::move(report));
        }
    }
}

}  // namespace tern::detail
