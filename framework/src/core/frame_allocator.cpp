#include <tern/core/detail/frame_allocator.hpp>
#include <tern/core/detail/thread_spares.hpp>

#include <array>
#include <new>
#include <utility>

namespace tern::detail {

namespace {

// Under AddressSanitizer every frame goes straight to operator new and delete, so that a use
// of a destroyed frame is reported instead of hidden by recycling.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool recycling = false;
#else
constexpr bool recycling = true;
#endif

constexpr std::size_t granule = 64;
constexpr std::size_t classes = 32;                 // frames up to 2 KiB are recycled
constexpr std::size_t max_kept_per_class = 1024;    // bounds what an idle thread holds on to

struct FreeBlock {
    FreeBlock* next;
};

// Trivially destructible and constant-initialised, so that a thread reaches its lists with one
// TLS-relative address, without the guard and wrapper call a thread_local with a destructor
// costs on every use (~40 instructions per request, one frame allocated and freed; callgrind).
// reap_at_thread_exit (thread_spares.hpp), called once per thread, returns the blocks at exit.
struct FreeLists {
    std::array<FreeBlock*, classes> heads;
    std::array<std::size_t, classes> counts;
};
constinit thread_local FreeLists lists{};

// Readable during thread exit, when frames may still be freed after the lists are emptied.
enum class ListsState : unsigned char { unborn, alive, gone };
constinit thread_local ListsState lists_state = ListsState::unborn;

void return_lists(void*) noexcept {
    lists_state = ListsState::gone;
    for (auto* head : lists.heads)
        while (head) ::operator delete(std::exchange(head, head->next));
}

// The first frame of a thread: from now on its lists are returned when it exits. A thread
// past its reaping (or out of memory to arrange it) recycles nothing. Out of line: inlined, it
// cost every allocation ~5 instructions (callgrind).
[[gnu::cold, gnu::noinline]] void adopt_lists() noexcept {
    lists_state = reap_at_thread_exit(&return_lists, nullptr) ? ListsState::alive : ListsState::gone;
}

std::size_t class_of(std::size_t size) noexcept { return (size + granule - 1) / granule - 1; }

}  // namespace

void* allocate_frame(std::size_t size) {
    std::size_t const c = class_of(size);
    if (!recycling || c >= classes) return ::operator new(size);
    if (lists_state != ListsState::alive) [[unlikely]] {
        if (lists_state == ListsState::gone) return ::operator new(size);
        adopt_lists();
    }
    auto& l = lists;
    if (FreeBlock* block = l.heads[c]) {
        l.heads[c] = block->next;
        --l.counts[c];
        return block;
    }
    return ::operator new((c + 1) * granule);
}

void free_frame(void* frame, std::size_t size) noexcept {
    std::size_t const c = class_of(size);
    if (!recycling || c >= classes || lists_state != ListsState::alive) return ::operator delete(frame);
    auto& l = lists;
    if (l.counts[c] >= max_kept_per_class) return ::operator delete(frame);
    l.heads[c] = new (frame) FreeBlock{l.heads[c]};
    ++l.counts[c];
}

}  // namespace tern::detail
