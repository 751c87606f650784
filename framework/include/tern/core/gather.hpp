#pragma once
// gather, gather_settled and first: run tasks side by side and collect them (asyncio.gather,
// gather(return_exceptions=True), wait(FIRST_COMPLETED)). All are structured: when they
// return, none of their children is still running.
#include <cstddef>
#include <exception>
#include <optional>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include <tern/core/detail/stored.hpp>
#include <tern/core/detail/task_group.hpp>
#include <tern/core/task.hpp>

namespace tern {

/// One settled child of gather_settled: its value, or the exception it ended with.
template <typename T>
class Settled {
public:
    using value_type = detail::Stored<T>;
    explicit Settled(value_type value) : state_(std::move(value)) {}
    explicit Settled(std::exception_ptr error) : state_(std::move(error)) {}

    bool ok() const noexcept { return state_.index() == 0; }
    /// The value; rethrows the child's exception if it failed.
    value_type& value() {
        if (!ok()) std::rethrow_exception(std::get<1>(state_));
        return std::get<0>(state_);
    }
    /// The exception the child ended with; null if it succeeded.
    std::exception_ptr error() const noexcept { return ok() ? nullptr : std::get<1>(state_); }

private:
    std::variant<value_type, std::exception_ptr> state_;
};

namespace detail {
template <typename T>
Settled<T> settle(std::optional<Stored<T>>& slot, std::exception_ptr const& error) {
    return error ? Settled<T>{error} : Settled<T>{std::move(*slot)};
}
}  // namespace detail

/// asyncio.gather: runs every task concurrently and returns their values in argument order
/// (void becomes std::monostate). When one throws, the others are cancelled and awaited, then
/// the first exception is rethrown.
template <typename... T>
Task<std::tuple<detail::Stored<T>...>> gather(Task<T>... tasks) {
    std::tuple<std::optional<detail::Stored<T>>...> slots;
    detail::TaskGroup group{sizeof...(T), detail::GroupPolicy::fail_fast};
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (group.add(detail::run_child(std::move(tasks), std::get<I>(slots))), ...);
    }(std::index_sequence_for<T...>{});
    co_await group;
    group.rethrow();
    co_return std::apply(
        [](auto&... slot) { return std::tuple<detail::Stored<T>...>{std::move(*slot)...}; }, slots);
}

/// asyncio.gather over a list: the values in the list's order.
template <typename T>
Task<std::vector<detail::Stored<T>>> gather(std::vector<Task<T>> tasks) {
    std::vector<std::optional<detail::Stored<T>>> slots(tasks.size());
    detail::TaskGroup group{tasks.size(), detail::GroupPolicy::fail_fast};
    for (std::size_t i = 0; i < tasks.size(); ++i) group.add(detail::run_child(std::move(tasks[i]), slots[i]));
    co_await group;
    group.rethrow();
    std::vector<detail::Stored<T>> values;
    values.reserve(slots.size());
    for (auto& slot : slots) values.push_back(std::move(*slot));
    co_return values;
}

/// gather(..., return_exceptions=True): runs every task to its end, failures included, and
/// returns each one's value or exception. Only cancelling the caller throws.
template <typename... T>
Task<std::tuple<Settled<T>...>> gather_settled(Task<T>... tasks) {
    std::tuple<std::optional<detail::Stored<T>>...> slots;
    detail::TaskGroup group{sizeof...(T), detail::GroupPolicy::wait_all};
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (group.add(detail::run_child(std::move(tasks), std::get<I>(slots))), ...);
    }(std::index_sequence_for<T...>{});
    co_await group;
    group.rethrow();
    co_return [&]<std::size_t... I>(std::index_sequence<I...>) {
        return std::tuple<Settled<T>...>{detail::settle<T>(std::get<I>(slots), group.error(I))...};
    }(std::index_sequence_for<T...>{});
}

/// gather_settled over a list.
template <typename T>
Task<std::vector<Settled<T>>> gather_settled(std::vector<Task<T>> tasks) {
    std::vector<std::optional<detail::Stored<T>>> slots(tasks.size());
    detail::TaskGroup group{tasks.size(), detail::GroupPolicy::wait_all};
    for (std::size_t i = 0; i < tasks.size(); ++i) group.add(detail::run_child(std::move(tasks[i]), slots[i]));
    co_await group;
    group.rethrow();
    std::vector<Settled<T>> results;
    results.reserve(slots.size());
    for (std::size_t i = 0; i < slots.size(); ++i) results.push_back(detail::settle<T>(slots[i], group.error(i)));
    co_return results;
}

/// asyncio.wait(FIRST_COMPLETED): runs the tasks concurrently; the first to end wins and the
/// rest are cancelled and awaited. Returns the winner's index and value, or rethrows the
/// winner's exception.
template <typename T>
Task<std::pair<std::size_t, detail::Stored<T>>> first(std::vector<Task<T>> tasks) {
    std::vector<std::optional<detail::Stored<T>>> slots(tasks.size());
    detail::TaskGroup group{tasks.size(), detail::GroupPolicy::first_completed};
    for (std::size_t i = 0; i < tasks.size(); ++i) group.add(detail::run_child(std::move(tasks[i]), slots[i]));
    co_await group;
    group.rethrow();
    std::size_t const winner = *group.decisive();
    co_return std::pair<std::size_t, detail::Stored<T>>{winner, std::move(*slots[winner])};
}

template <typename T, typename... Rest>
    requires(std::is_same_v<T, Rest> && ...)
Task<std::pair<std::size_t, detail::Stored<T>>> first(Task<T> task, Task<Rest>... rest) {
    std::vector<Task<T>> tasks;
    tasks.reserve(1 + sizeof...(Rest));
    tasks.push_back(std::move(task));
    (tasks.push_back(std::move(rest)), ...);
    return first(std::move(tasks));
}

}  // namespace tern
