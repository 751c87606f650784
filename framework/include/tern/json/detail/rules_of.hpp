#pragma once
// Finding a TERN_JSON model's rules at compile time: which TERN_JSON_RULES entry belongs to which
// field, checked once per model. A model without TERN_JSON_RULES resolves to "no rules" here and
// its parsing code is the same as before rules existed.

#include <tern/json/model.hpp>
#include <tern/json/rules.hpp>
#include <tern/json/traits.hpp>

#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace tern::json::detail {

/// A model with TERN_JSON_RULES. The function is found by argument-dependent lookup, like
/// tern_json_fields; a model without one has no rules and pays nothing for them.
template <typename T>
concept HasRules = Model<T> && requires { tern_json_rules(static_cast<T const*>(nullptr)); };

template <typename R>
inline constexpr bool is_field_rules = false;
template <typename M, typename Member>
inline constexpr bool is_field_rules<FieldRules<M, Member>> = true;

inline constexpr std::size_t no_rule = static_cast<std::size_t>(-1);

template <HasRules T>
using RulesTuple = std::remove_const_t<decltype(tern_json_rules(static_cast<T const*>(nullptr)))>;

template <Model T>
inline constexpr std::size_t field_count = std::tuple_size_v<std::remove_const_t<decltype(fields_of<T>)>>;

/// Whether the rules at index J of T's TERN_JSON_RULES are for T's field I.
template <HasRules T, std::size_t I, std::size_t J>
constexpr bool rule_matches() {
    using Rule = std::tuple_element_t<J, RulesTuple<T>>;
    using Field = std::remove_cvref_t<decltype(std::get<I>(fields_of<T>))>;
    if constexpr (!is_field_rules<Rule>) {
        return false;
    } else if constexpr (std::is_same_v<decltype(std::declval<Rule>().member()), decltype(Field::member)>) {
        return std::get<J>(tern_json_rules(static_cast<T const*>(nullptr))).member() == std::get<I>(fields_of<T>).member;
    } else {
        return false;
    }
}

/// How many of T's fields the rules at index J name.
template <HasRules T, std::size_t J>
constexpr std::size_t fields_named_by() {
    return []<std::size_t... I>(std::index_sequence<I...>) {
        return (std::size_t{0} + ... + (rule_matches<T, I, J>() ? 1 : 0));
    }(std::make_index_sequence<field_count<T>>{});
}

template <HasRules T>
inline constexpr std::size_t rule_count = std::tuple_size_v<RulesTuple<T>>;

template <HasRules T, std::size_t J>
constexpr bool rule_is_known() {
    using Rule = std::tuple_element_t<J, RulesTuple<T>>;
    return is_field_rules<Rule> || std::is_same_v<Rule, ModelRules>;
}

template <HasRules T, std::size_t J>
constexpr bool rule_names_a_field() {
    return !is_field_rules<std::tuple_element_t<J, RulesTuple<T>>> || fields_named_by<T, J>() > 0;
}

template <HasRules T, std::size_t I>
constexpr bool field_has_one_rule_at_most() {
    return []<std::size_t... J>(std::index_sequence<J...>) {
        return (std::size_t{0} + ... + (rule_matches<T, I, J>() ? 1 : 0)) <= 1;
    }(std::make_index_sequence<rule_count<T>>{});
}

template <HasRules T, std::size_t J>
constexpr bool pattern_fits() {
    if constexpr (!is_field_rules<std::tuple_element_t<J, RulesTuple<T>>>) {
        return true;
    } else {
        constexpr RuleSet r = std::get<J>(tern_json_rules(static_cast<T const*>(nullptr))).rules();
        return !r.pattern || !r.max_length || *r.max_length <= max_pattern_length;
    }
}

/// T's TERN_JSON_RULES, checked once: each field(...) names a member TERN_JSON lists, no member
/// has two, and a pattern is not asked to match more than it can.
template <HasRules T>
constexpr auto checked_rules() {
    static_assert([]<std::size_t... J>(std::index_sequence<J...>) {
        return (rule_is_known<T, J>() && ...);
    }(std::make_index_sequence<rule_count<T>>{}),
                  "TERN_JSON_RULES takes tern::json::field(&Type::member)... and tern::json::description(\"...\")");
    static_assert([]<std::size_t... J>(std::index_sequence<J...>) {
        return (rule_names_a_field<T, J>() && ...);
    }(std::make_index_sequence<rule_count<T>>{}),
                  "TERN_JSON_RULES: a field(&Type::member) names a member that TERN_JSON(Type, ...) does not list");
    static_assert([]<std::size_t... I>(std::index_sequence<I...>) {
        return (field_has_one_rule_at_most<T, I>() && ...);
    }(std::make_index_sequence<field_count<T>>{}),
                  "TERN_JSON_RULES: a member has two field(...) entries; chain its rules in one");
    static_assert([]<std::size_t... J>(std::index_sequence<J...>) {
        return (pattern_fits<T, J>() && ...);
    }(std::make_index_sequence<rule_count<T>>{}),
                  "TERN_JSON_RULES: a pattern is matched against strings of at most 1000 characters "
                  "(detail::max_pattern_length); give that field a max_length of at most 1000");
    return tern_json_rules(static_cast<T const*>(nullptr));
}

template <HasRules T>
inline constexpr auto rules_of = checked_rules<T>();

/// The index in T's TERN_JSON_RULES of the rules for T's field I, or no_rule.
template <Model T, std::size_t I>
constexpr std::size_t rule_index() {
    if constexpr (!HasRules<T>) {
        return no_rule;
    } else {
        (void)rules_of<T>;  // the checks above
        return []<std::size_t... J>(std::index_sequence<J...>) {
            std::size_t found = no_rule;
            ((rule_matches<T, I, J>() ? (found = J, 0) : 0), ...);
            return found;
        }(std::make_index_sequence<rule_count<T>>{});
    }
}

/// The rules of T's field I. Only for fields whose rule_index is not no_rule.
template <Model T, std::size_t I>
constexpr RuleSet const& field_rules() noexcept {
    return std::get<rule_index<T, I>()>(rules_of<T>).rules();
}

/// Whether T's field I needs checking beyond its type while it is parsed.
template <Model T, std::size_t I>
constexpr bool field_has_checks() noexcept {
    if constexpr (rule_index<T, I>() == no_rule) return false;
    else return field_rules<T, I>().checks_anything();
}

/// Whether a document must have T's field I: not a std::optional and not defaulted().
template <Model T, std::size_t I>
constexpr bool field_required() noexcept {
    using Member = typename std::remove_cvref_t<decltype(std::get<I>(fields_of<T>))>::type;
    if constexpr (is_optional<Member>) return false;
    else if constexpr (rule_index<T, I>() == no_rule) return true;
    else return !field_rules<T, I>().defaulted;
}

/// The model's own description from TERN_JSON_RULES, or an empty view.
template <Model T>
constexpr std::string_view model_description() noexcept {
    if constexpr (!HasRules<T>) {
        return {};
    } else {
        return std::apply(
            [](auto const&... rule) {
                std::string_view found;
                auto const take = [&found](auto const& r) {
                    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(r)>, ModelRules>) found = r.description;
                };
                (take(rule), ...);
                return found;
            },
            rules_of<T>);
    }
}

}  // namespace tern::json::detail
