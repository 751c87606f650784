// Costs of the async core's basic moves, for the issue note and for spotting regressions:
// one co_await of a task that completes without suspending, one sleep(0) round trip through
// the loop, and one to_thread round trip through libuv's pool. Run from a release build:
//   build/release/bench/core_bench
#include <chrono>
#include <cstdio>

#include <tern/tern.hpp>

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

tern::Task<int> ready(int x) { co_return x; }

template <typename F>
double ns_per_op(long iterations, F&& body) {
    auto const start = Clock::now();
    tern::run(body(iterations));
    auto const ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
    return ns / static_cast<double>(iterations);
}

tern::Task<void> await_ready_tasks(long n) {
    long sum = 0;
    for (long i = 0; i < n; ++i) sum += co_await ready(static_cast<int>(i & 1));
    if (sum < 0) std::puts("impossible");
}

tern::Task<void> sleep_zero(long n) {
    for (long i = 0; i < n; ++i) co_await tern::sleep(0ms);
}

tern::Task<void> to_thread_round_trips(long n) {
    long sum = 0;
    for (long i = 0; i < n; ++i) sum += co_await tern::to_thread([](long v) { return v; }, i);
    if (sum < 0) std::puts("impossible");
}

}  // namespace

int main() {
    std::printf("co_await of a ready Task : %8.1f ns\n", ns_per_op(5'000'000, await_ready_tasks));
    std::printf("sleep(0) round trip      : %8.1f ns\n", ns_per_op(200'000, sleep_zero));
    std::printf("to_thread round trip     : %8.1f ns\n", ns_per_op(100'000, to_thread_round_trips));
}
