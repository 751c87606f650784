#pragma once
// The adapter from a typed handler to the App's Handler: extract every parameter, answer 422
// with all the problems at once, call the handler, turn its result into a response.
#include <functional>
#include <string_view>
#include <type_traits>
#include <utility>

#include <tern/core/task.hpp>
#include <tern/http/error.hpp>
#include <tern/http/middleware.hpp>
#include <tern/http/request.hpp>
#include <tern/http/response.hpp>
#include <tern/http/typed/extract.hpp>
#include <tern/http/typed/operation.hpp>

namespace tern::detail {

/// Whether F is a callable App::get should treat as a typed handler: anything that is not
/// already a Handler (a function of Request& returning Task<Response>).
template <typename F>
concept TypedHandler = !std::is_convertible_v<F, Handler> && requires { typename signature<std::remove_cvref_t<F>>::params; };

template <typename F>
using handler_inputs = Inputs<typename signature<F>::params>;
template <typename F>
using handler_result = typename signature<F>::result;

/// A value returned by a typed handler, as a response with the operation's success status.
template <typename V>
Response typed_response(V&& value, Operation const& op) {
    if constexpr (std::is_same_v<std::remove_cvref_t<V>, Response>) {
        return std::forward<V>(value);
    } else {
        return Response::json(value).status(op.success_status() ? op.success_status() : 200);
    }
}

template <typename F>
Task<Response> run_typed(F const& f, Operation const& op, Request& req) {
    using In = handler_inputs<F>;
    using R = handler_result<F>;
    using V = typename awaited_result<R>::type;
    typename In::Slots slots;
    Problems problems;
    In::fill(slots, req, problems);
    if constexpr (In::any_async) co_await In::fill_async(slots, req, problems);
    if (!problems.empty()) throw RequestValidationError(std::move(problems));
    if constexpr (is_task_v<R>) {
        R pending = In::call(f, slots);
        if constexpr (std::is_void_v<V>) {
            co_await std::move(pending);
            co_return Response::empty(op.success_status() ? op.success_status() : 204);
        } else {
            V value = co_await std::move(pending);
            co_return typed_response(std::move(value), op);
        }
    } else if constexpr (std::is_void_v<R>) {
        In::call(f, slots);
        co_return Response::empty(op.success_status() ? op.success_status() : 204);
    } else {
        R value = In::call(f, slots);
        co_return typed_response(std::move(value), op);
    }
}

/// The operation's inputs and result, from the types alone (Operation::describe).
template <typename F>
void describe_typed(OperationSchema& schema, json::SchemaRegistry& registry) {
    using V = typename awaited_result<handler_result<F>>::type;
    handler_inputs<F>::describe(schema, registry);
    if constexpr (std::is_void_v<V>) schema.result_is_empty = true;
    else if constexpr (!std::is_same_v<V, Response>) schema.result = json::schema_of<V>(registry);
}

/// Checks the handler's parameters against the route (Path names and kinds; throws
/// std::invalid_argument naming the route), records how to describe it in `op`, and returns the
/// Handler the App stores. `op` must outlive the handler (the App keeps both).
template <typename F>
Handler make_typed_handler(F f, Operation& op) {
    static_assert(requires { typename signature<F>::params; },
                  "tern: a typed handler must have one set of concrete parameter types (no auto parameters)");
    handler_inputs<F>::check(op.method(), op.path());
    op.describe = &describe_typed<F>;
    return [f = std::move(f), &op](Request& req) { return run_typed(f, op, req); };
}

}  // namespace tern::detail
