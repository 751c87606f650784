#pragma once
// Checking a value json::parse has just read against its field's rules. The templates pick the
// checks a field's rules ask for at compile time; what a failed check reports is in
// src/json/check.cpp.

#include <tern/json/detail/rule_set.hpp>
#include <tern/json/detail/rules_of.hpp>
#include <tern/json/error.hpp>
#include <tern/json/reader.hpp>
#include <tern/json/traits.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>

namespace tern::json::detail {

/// A field's pattern, compiled once (std::regex, ECMAScript). Throws std::logic_error naming
/// the field when the pattern does not compile.
class CompiledPattern {
public:
    CompiledPattern(std::string_view pattern, std::string_view field);
    ~CompiledPattern();
    CompiledPattern(CompiledPattern const&) = delete;
    CompiledPattern& operator=(CompiledPattern const&) = delete;
    /// Whether the pattern is found anywhere in `text` (Python's re.search).
    bool search(std::string_view text) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Records `kind` at the reader's path when `value` is on the wrong side of `bound`.
void report_bound(Reader& reader, ProblemKind kind, Number bound, Number value);
/// Checks lengths, allowed values and the pattern (null when the field has none), in that
/// order, and records the first one that fails.
void check_string(Reader& reader, RuleSet const& rules, std::string const& value, CompiledPattern const* pattern);
void check_items(Reader& reader, RuleSet const& rules, std::size_t count);

/// Records the first bound `value` breaks.
template <typename V>
void check_number(Reader& reader, RuleSet const& rules, V value) {
    if (rules.minimum && compare(value, *rules.minimum) < 0) {
        report_bound(reader, ProblemKind::greater_than_equal, *rules.minimum, Number::of(value));
    } else if (rules.exclusive_minimum && compare(value, *rules.exclusive_minimum) <= 0) {
        report_bound(reader, ProblemKind::greater_than, *rules.exclusive_minimum, Number::of(value));
    } else if (rules.maximum && compare(value, *rules.maximum) > 0) {
        report_bound(reader, ProblemKind::less_than_equal, *rules.maximum, Number::of(value));
    } else if (rules.exclusive_maximum && compare(value, *rules.exclusive_maximum) >= 0) {
        report_bound(reader, ProblemKind::less_than, *rules.exclusive_maximum, Number::of(value));
    }
}

/// Checks T's field I, which has just been read into `value` without a problem.
template <Model T, std::size_t I, typename V>
void check_field(Reader& reader, V const& value) {
    constexpr RuleSet const& rules = field_rules<T, I>();
    if constexpr (is_optional<V>) {
        if (value) check_field<T, I>(reader, *value);
    } else if constexpr (std::is_arithmetic_v<V>) {
        // The type tests here only keep a rule that does not fit, which FieldRules has refused
        // already, from adding errors of its own.
        if constexpr (rules.checks_number()) check_number(reader, rules, value);
    } else if constexpr (std::is_same_v<V, std::string>) {
        if constexpr (!rules.checks_string()) {
            return;
        } else if constexpr (rules.pattern.has_value()) {
            static CompiledPattern const pattern(*rules.pattern, std::get<I>(fields_of<T>).name);
            check_string(reader, rules, value, &pattern);
        } else {
            check_string(reader, rules, value, nullptr);
        }
    } else if constexpr (is_vector<V>) {
        if constexpr (rules.checks_items()) check_items(reader, rules, value.size());
    }
}

}  // namespace tern::json::detail
