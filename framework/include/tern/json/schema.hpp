#pragma once
// tern::json::schema_of: the JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) of any type
// json::parse<T> fills, with TERN_JSON models and enums collected as named components.

#include <tern/json/detail/rule_set.hpp>
#include <tern/json/detail/rules_of.hpp>
#include <tern/json/dump.hpp>
#include <tern/json/model.hpp>
#include <tern/json/parse.hpp>
#include <tern/json/traits.hpp>
#include <tern/json/value.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace tern::json {

/// The schemas of the models and enums that schema_of has met, for an OpenAPI document's
/// components.schemas. schema_of registers each TERN_JSON model and TERN_JSON_ENUM enum once,
/// under its model_name, and answers {"$ref": "#/components/schemas/<Name>"} for it. Two types
/// with the same name cannot both be registered: the second throws std::logic_error naming both
/// C++ types, since a silent renaming would change the published API with the registration order.
class SchemaRegistry {
public:
    /// {Name: schema, ...}, in the order the types were first met (a model before the models
    /// its fields use); an empty object when nothing was registered.
    Value components() const;
    std::size_t size() const noexcept { return entries_.size(); }
    /// The schema of T, inline for scalars and containers, a reference for models and enums:
    /// the same as schema_of<T>(*this).
    template <typename T>
    Value ref();

    /// For schema_of: claims `name` for the type identified by `key`. Returns true the first
    /// time, when the caller must define() its schema, and false once the type is known (so a
    /// recursive model ends at a reference to itself). Throws std::logic_error when another
    /// type has the name. `type_name` is the C++ type, for that message.
    bool claim(std::string_view name, void const* key, std::string_view type_name);
    /// Sets the schema of a claimed name.
    void define(std::string_view name, Value schema);
    /// {"$ref": "#/components/schemas/<name>"}.
    static Value reference(std::string_view name);

private:
    struct Entry {
        std::string name;
        void const* key;
        std::string type_name;
        Value schema;
    };
    std::vector<Entry> entries_;
};

template <typename T>
Value schema_of(SchemaRegistry& registry);

namespace detail {

/// One address per type, to tell types apart without RTTI.
template <typename T>
inline constexpr char type_key = 0;

/// The C++ spelling of T ("shop::Item"), from the compiler's name for this function: g++ and
/// clang write "... [with T = shop::Item; ...]" or "... [T = shop::Item]". (Not
/// std::source_location: clang before 15 has no __builtin_source_location for libstdc++'s.)
template <typename T>
std::string_view type_name() noexcept {
    std::string_view name = __PRETTY_FUNCTION__;
    std::size_t const start = name.find("T = ");
    if (start == std::string_view::npos) return name;
    name.remove_prefix(start + 4);
    return name.substr(0, name.find_first_of(";]"));
}

// In src/json/schema.cpp: the parts that need no type.
Value integer_schema(std::size_t bytes, bool is_signed);
Value enum_schema(std::string_view name, std::span<std::string_view const> names);
Value object_schema(std::string_view name, std::string_view description, Object properties, Array required);
/// `schema` or null: a type array (["string", "null"]) for a plain typed schema, else anyOf.
Value nullable(Value schema);
/// Adds the rules' constraints (minimum, minLength, pattern, enum, minItems, ...).
void constrain(Value& schema, RuleSet const& rules);
/// Adds "description" and "examples"; `field` names the field when an example is not JSON.
void annotate(Value& schema, RuleSet const& rules, std::string_view field);

/// What a default-constructed T holds in its field I, as JSON.
template <Model T, std::size_t I>
Value default_of() {
    T const model{};
    return parse(dump(model.*std::get<I>(fields_of<T>).member));
}

template <Model T, std::size_t I>
Value field_schema(SchemaRegistry& registry) {
    using Member = typename std::remove_cvref_t<decltype(std::get<I>(fields_of<T>))>::type;
    if constexpr (rule_index<T, I>() == no_rule) {
        return schema_of<Member>(registry);
    } else {
        constexpr RuleSet const& rules = field_rules<T, I>();
        Value schema = schema_of<typename without_optional<Member>::type>(registry);
        constrain(schema, rules);
        if constexpr (is_optional<Member>) schema = nullable(std::move(schema));
        annotate(schema, rules, std::get<I>(fields_of<T>).name);
        if constexpr (rules.defaulted) schema["default"] = default_of<T, I>();
        return schema;
    }
}

template <Model T>
Value model_schema(SchemaRegistry& registry) {
    Object properties;
    Array required;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (
            [&] {
                std::string_view const name = std::get<I>(fields_of<T>).name;
                properties.emplace_back(std::string(name), field_schema<T, I>(registry));
                if constexpr (field_required<T, I>()) required.emplace_back(name);
            }(),
            ...);
    }(std::make_index_sequence<field_count<T>>{});
    return object_schema(model_name<T>(), model_description<T>(), std::move(properties), std::move(required));
}

/// Registers a model or an enum on first sight and refers to it.
template <typename T>
Value named_schema(SchemaRegistry& registry) {
    std::string_view const name = model_name<T>();
    if (registry.claim(name, &type_key<T>, type_name<T>())) {
        if constexpr (Model<T>) registry.define(name, model_schema<T>(registry));
        else registry.define(name, enum_schema(name, enum_name_list<T>));
    }
    return SchemaRegistry::reference(name);
}

}  // namespace detail

/// The JSON Schema of T, for every type parse<T> accepts: bool {"type":"boolean"}; integers
/// {"type":"integer"} with "format" int32/int64 or the narrower types' minimum and maximum;
/// float and double {"type":"number"} with "format"; std::string {"type":"string"}; Value {};
/// std::vector {"type":"array","items":...}; std::map<std::string, X> {"type":"object",
/// "additionalProperties":...}; std::optional<X> X or null; TERN_JSON models and
/// TERN_JSON_ENUM enums a "$ref" to the component registered in `registry`. A model's
/// component lists its "properties" in TERN_JSON's order with their TERN_JSON_RULES (bounds,
/// lengths, pattern, one_of as "enum", items, "description", "examples", and "default" for
/// defaulted fields), and "required" names its fields that are neither optional nor defaulted.
template <typename T>
Value schema_of(SchemaRegistry& registry) {
    static_assert(Parsable<T>, "tern::json::schema_of: the type is not one json::parse can fill");
    if constexpr (Model<T> || StringEnum<T>) {
        return detail::named_schema<T>(registry);
    } else if constexpr (detail::is_optional<T>) {
        return detail::nullable(schema_of<typename T::value_type>(registry));
    } else if constexpr (detail::is_vector<T>) {
        return object({{"type", "array"}, {"items", schema_of<typename T::value_type>(registry)}});
    } else if constexpr (detail::is_string_map<T>) {
        return object({{"type", "object"}, {"additionalProperties", schema_of<typename T::mapped_type>(registry)}});
    } else if constexpr (std::is_same_v<T, bool>) {
        return object({{"type", "boolean"}});
    } else if constexpr (std::is_integral_v<T>) {
        return detail::integer_schema(sizeof(T), std::is_signed_v<T>);
    } else if constexpr (std::is_same_v<T, float>) {
        return object({{"type", "number"}, {"format", "float"}});
    } else if constexpr (std::is_same_v<T, double>) {
        return object({{"type", "number"}, {"format", "double"}});
    } else if constexpr (std::is_floating_point_v<T>) {
        return object({{"type", "number"}});
    } else if constexpr (std::is_same_v<T, std::string>) {
        return object({{"type", "string"}});
    } else {
        return object();  // json::Value: any JSON at all
    }
}

template <typename T>
Value SchemaRegistry::ref() {
    return schema_of<T>(*this);
}

}  // namespace tern::json
