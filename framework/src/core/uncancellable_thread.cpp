#include <tern/core/detail/uncancellable_thread.hpp>

#include <pthread.h>

namespace tern::detail {

void make_thread_uncancellable() noexcept {
    int previous = 0;
    // Disabled first: once the type is asynchronous, a cancel already pending would act at once.
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &previous);
    pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &previous);
}

}  // namespace tern::detail
