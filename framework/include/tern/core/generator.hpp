#pragma once
// tern::Generator<T>: an async generator (`async def` with `yield`, consumed by `async for`).
#include <coroutine>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include <tern/core/detail/stop_state.hpp>

namespace tern {

/// A coroutine that may both co_await and co_yield values of T. Lazy: the body runs only while
/// the consumer waits in next(), and runs on the consumer's behalf (a cancelled consumer
/// cancels the body's current await). Consume it with
/// `while (auto v = co_await gen.next()) use(*v);`. Move-only; destroying it mid-way destroys
/// the suspended body, which must therefore be suspended at a co_yield (it always is between
/// next() calls).
template <typename T>
class [[nodiscard]] Generator {
public:
    struct promise_type {
        std::coroutine_handle<> consumer;
        tern::detail::StopState* stop = nullptr;
        std::optional<T> value;
        std::exception_ptr error;

        Generator get_return_object() noexcept {
            return Generator{std::coroutine_handle<promise_type>::from_promise(*this)};
        }
        std::suspend_always initial_suspend() const noexcept { return {}; }

        // Both a yield and the end hand control straight back to the consumer.
        struct ToConsumer {
            bool await_ready() const noexcept { return false; }
            std::coroutine_handle<> await_suspend(std::coroutine_handle<promise_type> h) const noexcept {
                return h.promise().consumer;
            }
            void await_resume() const noexcept {}
        };
        ToConsumer final_suspend() const noexcept { return {}; }
        // A T itself, braced forms included (`co_yield {.data = "x"}`).
        ToConsumer yield_value(T v) {
            value.emplace(std::move(v));
            return {};
        }
        // Anything T can be made from (`co_yield "text"` for a Generator<std::string>).
        template <typename U>
            requires(!std::is_same_v<std::remove_cvref_t<U>, T>)
        ToConsumer yield_value(U&& v) {
            value.emplace(std::forward<U>(v));
            return {};
        }
        void return_void() const noexcept {}
        void unhandled_exception() noexcept { error = std::current_exception(); }
        tern::detail::StopState* stop_state() const noexcept { return stop; }
    };

    Generator(Generator&& other) noexcept : coro_(std::exchange(other.coro_, {})) {}
    Generator& operator=(Generator&& other) noexcept {
        if (this != &other) {
            if (coro_) coro_.destroy();
            coro_ = std::exchange(other.coro_, {});
        }
        return *this;
    }
    ~Generator() {
        if (coro_) coro_.destroy();
    }

    class NextAwaiter {
    public:
        explicit NextAwaiter(std::coroutine_handle<promise_type> coro) noexcept : coro_(coro) {}
        bool await_ready() const noexcept { return !coro_ || coro_.done(); }
        template <typename Promise>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> consumer) noexcept {
            auto& promise = coro_.promise();
            promise.consumer = consumer;
            promise.stop = tern::detail::stop_state_of(consumer);
            promise.value.reset();
            return coro_;
        }
        /// The next value, or nullopt once the body has returned. An exception from the body is
        /// rethrown here, once; after it the generator is finished.
        std::optional<T> await_resume() {
            if (!coro_) return std::nullopt;
            auto& promise = coro_.promise();
            if (promise.error) std::rethrow_exception(std::exchange(promise.error, nullptr));
            if (coro_.done()) return std::nullopt;
            return std::move(promise.value);
        }

    private:
        std::coroutine_handle<promise_type> coro_;
    };

    /// Runs the body to its next co_yield (or its end). The generator must outlive the await.
    [[nodiscard]] NextAwaiter next() noexcept { return NextAwaiter{coro_}; }

private:
    explicit Generator(std::coroutine_handle<promise_type> coro) noexcept : coro_(coro) {}
    std::coroutine_handle<promise_type> coro_;
};

}  // namespace tern
