#pragma once
// The rules one field of a TERN_JSON model can carry, as TERN_JSON_RULES stores them: plain
// constexpr data that parsing checks and schemas publish.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

namespace tern::json::detail {

/// A number as a rule was written with it. Integers keep their own kind, so that a bound on an
/// int64 compares exactly and the schema shows `1`, not `1.0`.
struct Number {
    enum class Kind : std::uint8_t { integer, unsigned_integer, floating };
    Kind kind = Kind::integer;
    std::int64_t i = 0;
    std::uint64_t u = 0;
    double d = 0;

    template <typename N>
    static constexpr Number of(N n) noexcept {
        if constexpr (std::is_floating_point_v<N>) return {Kind::floating, 0, 0, static_cast<double>(n)};
        else if constexpr (std::is_signed_v<N>) return {Kind::integer, static_cast<std::int64_t>(n), 0, 0};
        else return {Kind::unsigned_integer, 0, static_cast<std::uint64_t>(n), 0};
    }
};

/// Below zero, zero or above zero as `value` is below, at or above `bound`. Integers compare
/// exactly; anything involving a floating-point number compares as double.
template <typename V>
constexpr int compare(V value, Number bound) noexcept {
    auto const sign = [](auto a, auto b) { return a < b ? -1 : (b < a ? 1 : 0); };
    if constexpr (std::is_integral_v<V>) {
        if (bound.kind == Number::Kind::integer) return std::cmp_less(value, bound.i) ? -1 : (std::cmp_greater(value, bound.i) ? 1 : 0);
        if (bound.kind == Number::Kind::unsigned_integer) return std::cmp_less(value, bound.u) ? -1 : (std::cmp_greater(value, bound.u) ? 1 : 0);
    }
    double const b = bound.kind == Number::Kind::floating ? bound.d
                     : bound.kind == Number::Kind::integer ? static_cast<double>(bound.i)
                                                           : static_cast<double>(bound.u);
    return sign(static_cast<double>(value), b);
}

/// One example of a field's value for its schema: a value, or JSON text parsed when the schema
/// is built.
struct Example {
    enum class Kind : std::uint8_t { json_text, string, boolean, number };
    Kind kind = Kind::json_text;
    std::string_view text;
    bool boolean = false;
    Number number;
};

inline constexpr std::size_t max_one_of = 16;
inline constexpr std::size_t max_examples = 4;
/// The longest string a pattern is matched against, in code points. libstdc++'s std::regex
/// recurses once per character (GCC bug 86164), so a long enough string would overflow the
/// stack; a longer string fails the field as string_too_long instead.
inline constexpr std::size_t max_pattern_length = 1000;

/// Every rule one field can carry. Views point at string literals from TERN_JSON_RULES.
struct RuleSet {
    std::optional<Number> minimum;
    std::optional<Number> maximum;
    std::optional<Number> exclusive_minimum;
    std::optional<Number> exclusive_maximum;
    std::optional<std::size_t> min_length;
    std::optional<std::size_t> max_length;
    std::optional<std::string_view> pattern;
    std::array<std::string_view, max_one_of> one_of{};
    std::size_t one_of_count = 0;
    std::optional<std::size_t> min_items;
    std::optional<std::size_t> max_items;
    bool defaulted = false;
    std::string_view description;
    std::array<Example, max_examples> examples{};
    std::size_t example_count = 0;

    constexpr bool checks_number() const noexcept {
        return minimum || maximum || exclusive_minimum || exclusive_maximum;
    }
    constexpr bool checks_string() const noexcept { return min_length || max_length || pattern || one_of_count > 0; }
    constexpr bool checks_items() const noexcept { return min_items || max_items; }
    constexpr bool checks_anything() const noexcept { return checks_number() || checks_string() || checks_items(); }
    /// The longest string the field accepts, counting the cap a pattern puts on it.
    constexpr std::optional<std::size_t> effective_max_length() const noexcept {
        if (pattern && (!max_length || *max_length > max_pattern_length)) return max_pattern_length;
        return max_length;
    }
};

template <typename T>
struct without_optional {
    using type = T;
};
template <typename T>
struct without_optional<std::optional<T>> {
    using type = T;
};

/// Called by a fifth example(): not constexpr, so the compiler stops at TERN_JSON_RULES with
/// "call to non-'constexpr' function ... a_field_takes_at_most_four_examples()".
inline void a_field_takes_at_most_four_examples() {}

}  // namespace tern::json::detail
