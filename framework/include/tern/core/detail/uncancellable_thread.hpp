#pragma once

namespace tern::detail {

/// Makes the calling thread immune to pthread_cancel, for a thread tern owns (a server loop):
/// cancellation is disabled, and its type set to asynchronous. A disabled thread is never
/// cancelled, whatever the type; the type is there for speed. glibc's read, write and epoll_wait
/// each switch a deferred thread to asynchronous cancellation and back, two atomic
/// compare-and-swaps per call once the process has a second thread; a thread already
/// asynchronous skips both. GET / does those three calls per request: ~55 instructions and six
/// locked instructions less (callgrind, apps/hello). Not for a user's thread, whose cancellation
/// is theirs.
void make_thread_uncancellable() noexcept;

}  // namespace tern::detail
