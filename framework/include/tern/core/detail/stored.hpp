#pragma once
// How a task's result is kept by tern's drivers: void results become std::monostate, so that
// gather and friends can return tuples and vectors of them.
#include <type_traits>
#include <variant>

namespace tern::detail {

template <typename T>
using Stored = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

}  // namespace tern::detail
