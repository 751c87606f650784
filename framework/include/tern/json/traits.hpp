#pragma once
// Which C++ types tern::json maps, and to what: shared by the writer and the reader templates.

#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace tern::json::detail {

template <typename T>
inline constexpr bool is_optional = false;
template <typename T>
inline constexpr bool is_optional<std::optional<T>> = true;

template <typename T>
inline constexpr bool is_vector = false;
template <typename T, typename Alloc>
inline constexpr bool is_vector<std::vector<T, Alloc>> = true;

/// Only maps keyed by std::string are JSON objects; other keys have no JSON spelling.
template <typename T>
inline constexpr bool is_string_map = false;
template <typename T, typename Compare, typename Alloc>
inline constexpr bool is_string_map<std::map<std::string, T, Compare, Alloc>> = true;

/// Lets a static_assert in a discarded `if constexpr` branch name the type it refuses.
template <typename T>
inline constexpr bool always_false = false;

}  // namespace tern::json::detail
