#include <tern/core/detail/thread_spares.hpp>

#include <vector>

namespace tern::detail {

namespace {
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
    }
};
}  // namespace

bool reap_at_thread_exit(void (*reap)(void*) noexcept, void* arg) noexcept {
    thread_local ThreadExitReapers reapers;
    try {
        reapers.entries.push_back({reap, arg});
        return true;
    } catch (...) {
        return false;
    }
}

}  // namespace tern::detail
