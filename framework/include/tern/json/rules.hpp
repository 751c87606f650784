#pragma once
// TERN_JSON_RULES: what a TERN_JSON model's fields promise beyond their types (bounds, lengths,
// patterns, allowed values, defaults), with descriptions and examples for their schema.

#include <tern/json/detail/rule_set.hpp>
#include <tern/json/model.hpp>
#include <tern/json/traits.hpp>

#include <concepts>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>

namespace tern::json {

/// The rules of one member, built by tern::json::field(&Model::member) and its chained calls.
/// Each call checks at compile time that the rule fits the member's type. Rules on a
/// std::optional<X> member apply to the X inside, when there is one.
template <typename Model, typename Member>
class FieldRules {
public:
    using model_type = Model;
    using member_type = Member;
    /// The type the checks see: the member's, or the one inside its std::optional.
    using value_type = typename detail::without_optional<Member>::type;

    constexpr explicit FieldRules(Member Model::*member) noexcept : member_(member) {}

    // Numbers (any integer or floating-point member): the value must be >=, >, <=, < `bound`.
    template <typename N>
    constexpr FieldRules minimum(N bound) const noexcept {
        return number_rule(&detail::RuleSet::minimum, bound);
    }
    template <typename N>
    constexpr FieldRules exclusive_minimum(N bound) const noexcept {
        return number_rule(&detail::RuleSet::exclusive_minimum, bound);
    }
    template <typename N>
    constexpr FieldRules maximum(N bound) const noexcept {
        return number_rule(&detail::RuleSet::maximum, bound);
    }
    template <typename N>
    constexpr FieldRules exclusive_maximum(N bound) const noexcept {
        return number_rule(&detail::RuleSet::exclusive_maximum, bound);
    }

    // Strings: lengths count UTF-8 code points, as Python's len() does.
    constexpr FieldRules min_length(std::size_t n) const noexcept { return string_rule(&detail::RuleSet::min_length, n); }
    constexpr FieldRules max_length(std::size_t n) const noexcept { return string_rule(&detail::RuleSet::max_length, n); }
    /// An ECMAScript regular expression (std::regex) that must be found somewhere in the
    /// string, as Python's re.search does: anchor it with ^ and $ to match the whole string.
    /// It is compiled once, when the field is first parsed; an invalid one throws
    /// std::logic_error then. Matching is byte-wise, so non-ASCII characters match as their
    /// UTF-8 bytes, and it sees strings of up to detail::max_pattern_length code points.
    constexpr FieldRules pattern(std::string_view regex) const noexcept {
        static_assert(std::is_same_v<value_type, std::string>, "tern::json::field(...).pattern(): only std::string members have a pattern");
        FieldRules copy = *this;
        copy.rules_.pattern = regex;
        return copy;
    }
    /// The only values the string may take, at most 16 (a TERN_JSON_ENUM for more).
    template <std::convertible_to<std::string_view>... Names>
    constexpr FieldRules one_of(Names... names) const noexcept {
        static_assert(std::is_same_v<value_type, std::string>, "tern::json::field(...).one_of(): only std::string members take one_of; map an enum with TERN_JSON_ENUM");
        static_assert(sizeof...(Names) > 0 && sizeof...(Names) <= detail::max_one_of,
                      "tern::json::field(...).one_of(): give between 1 and 16 values; use a TERN_JSON_ENUM for more");
        FieldRules copy = *this;
        if constexpr (sizeof...(Names) <= detail::max_one_of) {
            copy.rules_.one_of = {std::string_view(names)...};
            copy.rules_.one_of_count = sizeof...(Names);
        }
        return copy;
    }

    // Vectors: the number of elements.
    constexpr FieldRules min_items(std::size_t n) const noexcept { return items_rule(&detail::RuleSet::min_items, n); }
    constexpr FieldRules max_items(std::size_t n) const noexcept { return items_rule(&detail::RuleSet::max_items, n); }

    /// The member may be absent from a document; it then keeps its default member initializer.
    /// The schema leaves it out of "required" and shows that default.
    constexpr FieldRules defaulted() const noexcept {
        FieldRules copy = *this;
        copy.rules_.defaulted = true;
        return copy;
    }
    /// A sentence for the schema's "description".
    constexpr FieldRules description(std::string_view text) const noexcept {
        FieldRules copy = *this;
        copy.rules_.description = text;
        return copy;
    }
    /// An example value for the schema's "examples", of the member's type: a string, a number,
    /// a bool or an enumerator. Up to four; example_json for anything else.
    template <typename V>
    constexpr FieldRules example(V value) const noexcept {
        detail::Example e;
        if constexpr (StringEnum<value_type> && std::is_same_v<V, value_type>) {
            e = {detail::Example::Kind::string, detail::enum_name(value), false, {}};
        } else if constexpr (std::is_same_v<V, bool>) {
            static_assert(std::is_same_v<value_type, bool>, "tern::json::field(...).example(bool): the member is not a bool");
            e = {detail::Example::Kind::boolean, {}, value, {}};
        } else if constexpr (std::is_arithmetic_v<V>) {
            static_assert(std::is_arithmetic_v<value_type> && !std::is_same_v<value_type, bool>,
                          "tern::json::field(...).example(number): the member is not a number");
            e = {detail::Example::Kind::number, {}, false, detail::Number::of(value)};
        } else {
            static_assert(std::is_convertible_v<V, std::string_view> && std::is_same_v<value_type, std::string>,
                          "tern::json::field(...).example(value): give a value of the member's type "
                          "(string, number, bool, enumerator), or JSON text with example_json()");
            e = {detail::Example::Kind::string, std::string_view(value), false, {}};
        }
        return with_example(e);
    }
    /// An example as JSON text, for members of any type: example_json(R"(["a", "b"])").
    constexpr FieldRules example_json(std::string_view text) const noexcept {
        return with_example({detail::Example::Kind::json_text, text, false, {}});
    }

    constexpr Member Model::*member() const noexcept { return member_; }
    constexpr detail::RuleSet const& rules() const noexcept { return rules_; }

private:
    template <typename N>
    constexpr FieldRules number_rule(std::optional<detail::Number> detail::RuleSet::*rule, N bound) const noexcept {
        static_assert(std::is_arithmetic_v<value_type> && !std::is_same_v<value_type, bool>,
                      "tern::json::field(...).minimum()/maximum(): only number members have bounds");
        static_assert(std::is_arithmetic_v<N> && !std::is_same_v<N, bool>, "tern::json::field(...): a bound is a number");
        FieldRules copy = *this;
        if constexpr (std::is_arithmetic_v<N>) copy.rules_.*rule = detail::Number::of(bound);
        return copy;
    }
    constexpr FieldRules string_rule(std::optional<std::size_t> detail::RuleSet::*rule, std::size_t n) const noexcept {
        static_assert(std::is_same_v<value_type, std::string>,
                      "tern::json::field(...).min_length()/max_length(): only std::string members have a length; "
                      "use min_items()/max_items() for vectors");
        FieldRules copy = *this;
        copy.rules_.*rule = n;
        return copy;
    }
    constexpr FieldRules items_rule(std::optional<std::size_t> detail::RuleSet::*rule, std::size_t n) const noexcept {
        static_assert(detail::is_vector<value_type>, "tern::json::field(...).min_items()/max_items(): only std::vector members have items");
        FieldRules copy = *this;
        copy.rules_.*rule = n;
        return copy;
    }
    constexpr FieldRules with_example(detail::Example e) const noexcept {
        if (rules_.example_count == detail::max_examples) detail::a_field_takes_at_most_four_examples();
        FieldRules copy = *this;
        copy.rules_.examples[copy.rules_.example_count++] = e;
        return copy;
    }

    Member Model::*member_;
    detail::RuleSet rules_;
};

/// Starts the rules of one member for TERN_JSON_RULES: `tern::json::field(&Item::price).minimum(0)`.
template <typename Model, typename Member>
constexpr FieldRules<Model, Member> field(Member Model::*member) noexcept {
    return FieldRules<Model, Member>(member);
}

/// What TERN_JSON_RULES says about the model as a whole: the schema's "description".
struct ModelRules {
    std::string_view description;
};

/// The model's description, for TERN_JSON_RULES: `tern::json::description("An item for sale")`.
constexpr ModelRules description(std::string_view text) noexcept {
    return ModelRules{text};
}

}  // namespace tern::json

/// Rules for a TERN_JSON model's fields, right after its TERN_JSON, in the same namespace and
/// the same header (every file that parses the model must see the same rules), before the
/// model is first parsed or described:
///     TERN_JSON_RULES(TodoCreate,
///         tern::json::description("What a client sends to create a todo"),
///         tern::json::field(&TodoCreate::title).min_length(1).max_length(200).description("What to do"),
///         tern::json::field(&TodoCreate::done).defaulted(),
///         tern::json::field(&TodoCreate::priority).minimum(1).maximum(5))
/// json::parse<T> checks them in the same pass as the types, so one ValidationError lists every
/// problem of the document; a value that has the wrong type is not checked further. Each value
/// reports the first rule it breaks. schema_of<T> (tern/json/schema.hpp) publishes the rules. A
/// rule that does not fit its member's type does not compile. Members without an entry have no
/// rules, and a model without TERN_JSON_RULES parses exactly as before.
#define TERN_JSON_RULES(Type, ...)                                                                    \
    static_assert(::tern::json::Model<Type>, "TERN_JSON_RULES(" #Type ", ...) must follow TERN_JSON(" #Type ", ...)"); \
    [[maybe_unused]] constexpr auto tern_json_rules(Type const*) noexcept { return ::std::make_tuple(__VA_ARGS__); }
