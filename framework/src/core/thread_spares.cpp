#include <tern/core/detail/thread_spares.hpp>

#include <vector>

namespace tern::detail {

namespace {
// Set once the thread's reapers have run: a registration after that would never run, and the
// list it would join is destroyed.
constinit thread_local bool reapers_done = false;

struct ThreadExitReapers {
    struct Entry {
        void (*reap)(void*) noexcept;
        void* arg;
    };
    std::vector<Entry> entries;
    ~ThreadExitReapers() {
        while (!entries.empty()) {
            Entry const e = entries.back();
            entries.pop_back();
            e.reap(e.arg);
        }
        reapers_done = true;
    }
};
}  // namespace

bool reap_at_thread_exit(void (*reap)(void*) noexcept, void* arg) noexcept {
    if (reapers_done) return false;
    thread_local ThreadExitReapers reapers;
    try {
        reapers.entries.push_back({reap, arg});
        return true;
    } catch (...) {
        return false;
    }
}

}  // namespace tern::detail
