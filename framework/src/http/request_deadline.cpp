#include "request_deadline.hpp"

#include <charconv>
#include <optional>
#include <variant>

#include <fmt/format.h>

#include <tern/core/detail/task_group.hpp>
#include <tern/core/time.hpp>
#include <tern/http/deadline.hpp>

#include "error_response.hpp"

namespace tern::detail {

Task<Response> answer_within(Task<Response> answer, std::chrono::milliseconds budget) {
    auto const ms = budget.count() > 0 ? static_cast<std::uint64_t>(budget.count()) : 0;
    std::optional<Response> value;
    std::optional<std::monostate> expired;
    TaskGroup group{2, GroupPolicy::first_completed};
    group.narrow_child_deadline(std::chrono::steady_clock::now() + budget);
    group.add(run_child(std::move(answer), value));
    group.add(run_child(sleep_task(ms), expired));
    co_await group;
    if (group.parent_cancelled()) throw CancelledError{};
    if (value) co_return std::move(*value);
    if (*group.decisive() == 1) {
        if (std::exception_ptr const& error = group.error(0)) {
            try {
                std::rethrow_exception(error);
            } catch (CancelledError const&) {
                // cut off, as expected: the 504 below
            }
        }
        co_return detail_response(504, fmt::format("the request's deadline of {} ms passed before it was answered", budget.count()));
    }
    group.rethrow();
    co_return detail_response(500, "Internal Server Error");   // not reached: the answer failed
}

std::optional<std::chrono::milliseconds> caller_deadline(Request const& req, std::chrono::milliseconds max) noexcept {
    if (max.count() <= 0) return std::nullopt;
    std::string_view const text = req.header(deadline_header);
    if (text.empty()) return std::nullopt;
    std::int64_t value = 0;
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < 0) return std::nullopt;
    return std::min(std::chrono::milliseconds(value), max);
}

}  // namespace tern::detail
