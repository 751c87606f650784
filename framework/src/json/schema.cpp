// SchemaRegistry, and the parts of a JSON Schema that do not depend on a C++ type.
#include <tern/json/schema.hpp>

#include <algorithm>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace tern::json {

namespace {

constexpr std::string_view component_prefix = "#/components/schemas/";

}  // namespace

Value SchemaRegistry::components() const {
    Object out;
    out.reserve(entries_.size());
    for (auto const& entry : entries_) out.emplace_back(entry.name, entry.schema);
    return Value(std::move(out));
}

bool SchemaRegistry::claim(std::string_view name, void const* key, std::string_view type_name) {
    auto const it = std::find_if(entries_.begin(), entries_.end(), [&](Entry const& e) { return e.name == name; });
    if (it == entries_.end()) {
        entries_.push_back({std::string(name), key, std::string(type_name), Value()});
        return true;
    }
    if (it->key == key) return false;
    throw std::logic_error(fmt::format("tern::json::SchemaRegistry: {} and {} are both named \"{}\"; schema components "
                                       "need unique names, so rename one of them",
                                       it->type_name, type_name, name));
}

void SchemaRegistry::define(std::string_view name, Value schema) {
    auto const it = std::find_if(entries_.begin(), entries_.end(), [&](Entry const& e) { return e.name == name; });
    if (it != entries_.end()) it->schema = std::move(schema);
}

Value SchemaRegistry::reference(std::string_view name) {
    return object({{"$ref", std::string(component_prefix) + std::string(name)}});
}

namespace detail {

namespace {

Value number_value(Number n) {
    switch (n.kind) {
    case Number::Kind::integer: return Value(n.i);
    case Number::Kind::unsigned_integer: return Value(n.u);
    case Number::Kind::floating: break;
    }
    return Value(n.d);
}

Value example_value(Example const& example, std::string_view field) {
    switch (example.kind) {
    case Example::Kind::string: return Value(example.text);
    case Example::Kind::boolean: return Value(example.boolean);
    case Example::Kind::number: return number_value(example.number);
    case Example::Kind::json_text: break;
    }
    try {
        return parse(example.text);
    } catch (ParseError const& e) {
        throw std::logic_error(fmt::format("TERN_JSON_RULES: the example_json of field '{}' is not JSON: {}", field, e.what()));
    }
}

/// Whether nullable() may spell `schema` with a type array: a plain {"type": "..."} with
/// keywords that leave null alone. "enum" would refuse the null, and a $ref has no type.
bool has_plain_type(Value const& schema) {
    Value const* type = schema.find("type");
    return type && type->is_string() && !schema.contains("enum") && !schema.contains("$ref");
}

/// Sets `key` to `bound` unless the schema already has a stricter one: a uint8 member with
/// maximum(1000) still publishes the 255 its type allows.
void tighten(Value& schema, std::string_view key, Value bound, bool larger_is_stricter) {
    if (Value const* current = schema.find(key); current && current->is_number()) {
        double const now = current->as_double();
        double const wanted = bound.as_double();
        if (larger_is_stricter ? now >= wanted : now <= wanted) return;
    }
    schema[key] = std::move(bound);
}

}  // namespace

Value integer_schema(std::size_t bytes, bool is_signed) {
    Value schema = object({{"type", "integer"}});
    if (is_signed && bytes == 4) {
        schema["format"] = "int32";
    } else if (is_signed && bytes == 8) {
        schema["format"] = "int64";
    } else if (is_signed) {
        std::int64_t const max = (std::int64_t{1} << (bytes * 8 - 1)) - 1;
        schema["minimum"] = -max - 1;
        schema["maximum"] = max;
    } else {
        schema["minimum"] = 0;
        // 2^64 - 1 is past what JavaScript clients read exactly; the minimum says enough there.
        if (bytes < 8) schema["maximum"] = (std::uint64_t{1} << (bytes * 8)) - 1;
    }
    return schema;
}

Value enum_schema(std::string_view name, std::span<std::string_view const> names) {
    Array values(names.begin(), names.end());
    return object({{"title", name}, {"type", "string"}, {"enum", Value(std::move(values))}});
}

Value object_schema(std::string_view name, std::string_view description, Object properties, Array required) {
    Value schema = object({{"title", name}});
    if (!description.empty()) schema["description"] = description;
    schema["type"] = "object";
    schema["properties"] = Value(std::move(properties));
    if (!required.empty()) schema["required"] = Value(std::move(required));
    return schema;
}

Value nullable(Value schema) {
    if (schema.is_object() && schema.size() == 0) return schema;  // {} already takes null
    if (has_plain_type(schema)) {
        Value& type = schema["type"];
        type = array({type, "null"});
        return schema;
    }
    return object({{"anyOf", array({std::move(schema), object({{"type", "null"}})})}});
}

void constrain(Value& schema, RuleSet const& rules) {
    if (rules.minimum) tighten(schema, "minimum", number_value(*rules.minimum), true);
    if (rules.exclusive_minimum) schema["exclusiveMinimum"] = number_value(*rules.exclusive_minimum);
    if (rules.maximum) tighten(schema, "maximum", number_value(*rules.maximum), false);
    if (rules.exclusive_maximum) schema["exclusiveMaximum"] = number_value(*rules.exclusive_maximum);
    if (rules.min_length) schema["minLength"] = *rules.min_length;
    if (auto const max_length = rules.effective_max_length()) schema["maxLength"] = *max_length;
    if (rules.pattern) schema["pattern"] = *rules.pattern;
    if (rules.one_of_count > 0) {
        schema["enum"] = Value(Array(rules.one_of.begin(), rules.one_of.begin() + static_cast<std::ptrdiff_t>(rules.one_of_count)));
    }
    if (rules.min_items) schema["minItems"] = *rules.min_items;
    if (rules.max_items) schema["maxItems"] = *rules.max_items;
}

void annotate(Value& schema, RuleSet const& rules, std::string_view field) {
    if (!rules.description.empty()) schema["description"] = rules.description;
    if (rules.example_count > 0) {
        Array examples;
        for (std::size_t i = 0; i < rules.example_count; ++i) examples.push_back(example_value(rules.examples[i], field));
        schema["examples"] = Value(std::move(examples));
    }
}

}  // namespace detail
}  // namespace tern::json
