#include <tern/core/detail/uncancellable_thread.hpp>

#include <doctest/doctest.h>

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <thread>

TEST_CASE("an uncancellable thread reports cancellation disabled and asynchronous") {
    int state = -1;
    int type = -1;
    std::thread([&] {
        tern::detail::make_thread_uncancellable();
        // Setting them again hands back what they were.
        pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &state);
        pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &type);
    }).join();
    CHECK(state == PTHREAD_CANCEL_DISABLE);
    CHECK(type == PTHREAD_CANCEL_ASYNCHRONOUS);
}

TEST_CASE("pthread_cancel does not stop an uncancellable thread, even inside a cancellation point") {
    std::atomic<bool> ready{false};
    std::atomic<bool> finished{false};
    std::thread worker([&] {
        tern::detail::make_thread_uncancellable();
        ready = true;
        // usleep is a cancellation point: a cancellable thread would end in one of these calls.
        for (int i = 0; i < 20; ++i) usleep(1000);
        finished = true;
    });
    while (!ready) std::this_thread::yield();
    REQUIRE(pthread_cancel(worker.native_handle()) == 0);
    worker.join();
    CHECK(finished);
}
