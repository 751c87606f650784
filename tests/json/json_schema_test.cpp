#include <tern/json/schema.hpp>

#include <tern/json/rules.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace json = tern::json;

namespace store {

enum class Color { red, green };
TERN_JSON_ENUM(Color, red, green)

struct Price {
    double amount = 0;
    std::string currency = "EUR";
};
TERN_JSON(Price, amount, currency)
TERN_JSON_RULES(Price,
    json::field(&Price::amount).minimum(0).example(9.99),
    json::field(&Price::currency).one_of("EUR", "USD").defaulted())

struct Item {
    std::string name;
    Price price;
    std::optional<Color> color;
    std::vector<std::string> tags = {"new"};
    std::optional<std::string> note;
    std::optional<int> rank;
    json::Value extra;
};
TERN_JSON(Item, name, price, color, tags, note, rank, extra)
TERN_JSON_RULES(Item,
    json::description("Something for sale"),
    json::field(&Item::name).min_length(1).max_length(80).pattern("^\\S").description("Shown in the shop").example("pen"),
    json::field(&Item::price).description("Before tax"),
    json::field(&Item::color).example(Color::green),
    json::field(&Item::tags).defaulted().max_items(5).example_json(R"(["new", "sale"])"),
    json::field(&Item::note).max_length(200),
    json::field(&Item::rank).exclusive_minimum(0).exclusive_maximum(100u))

/// A tree: a model that holds a vector of itself.
struct Category {
    std::string name;
    std::vector<Category> children;
};
TERN_JSON(::store::Category, name, children)  // named "Category", without the namespaces

}  // namespace store

namespace rival {

struct Price {
    int cents = 0;
};
TERN_JSON(Price, cents)

struct Holder {
    store::Price a;
    rival::Price b;
};
TERN_JSON(Holder, a, b)

}  // namespace rival

namespace {

json::Value schema(std::string_view text) {
    return json::parse(text);
}

template <typename T>
json::Value schema_alone() {
    json::SchemaRegistry registry;
    json::Value s = json::schema_of<T>(registry);
    CHECK(registry.size() == 0);
    return s;
}

}  // namespace

TEST_CASE("scalars have inline schemas, with formats and the ranges their types allow") {
    CHECK(schema_alone<bool>() == schema(R"({"type":"boolean"})"));
    CHECK(schema_alone<int>() == schema(R"({"type":"integer","format":"int32"})"));
    CHECK(schema_alone<std::int64_t>() == schema(R"({"type":"integer","format":"int64"})"));
    CHECK(schema_alone<std::uint64_t>() == schema(R"({"type":"integer","minimum":0})"));
    CHECK(schema_alone<std::uint8_t>() == schema(R"({"type":"integer","minimum":0,"maximum":255})"));
    CHECK(schema_alone<std::int16_t>() == schema(R"({"type":"integer","minimum":-32768,"maximum":32767})"));
    CHECK(schema_alone<std::uint32_t>() == schema(R"({"type":"integer","minimum":0,"maximum":4294967295})"));
    CHECK(schema_alone<float>() == schema(R"({"type":"number","format":"float"})"));
    CHECK(schema_alone<double>() == schema(R"({"type":"number","format":"double"})"));
    CHECK(schema_alone<std::string>() == schema(R"({"type":"string"})"));
    CHECK(schema_alone<json::Value>() == schema("{}"));
}

TEST_CASE("containers wrap the schema of what they hold; optionals allow null") {
    CHECK(schema_alone<std::vector<int>>() == schema(R"({"type":"array","items":{"type":"integer","format":"int32"}})"));
    CHECK(schema_alone<std::map<std::string, bool>>() == schema(R"({"type":"object","additionalProperties":{"type":"boolean"}})"));
    CHECK(schema_alone<std::optional<std::string>>() == schema(R"({"type":["string","null"]})"));
    CHECK(schema_alone<std::optional<std::vector<bool>>>() == schema(R"({"type":["array","null"],"items":{"type":"boolean"}})"));
    CHECK(schema_alone<std::optional<json::Value>>() == schema("{}"));
}

TEST_CASE("an enum is a component of its names, referred to by name") {
    json::SchemaRegistry registry;
    CHECK(json::schema_of<store::Color>(registry) == schema(R"({"$ref":"#/components/schemas/Color"})"));
    CHECK(json::schema_of<std::optional<store::Color>>(registry) ==
          schema(R"({"anyOf":[{"$ref":"#/components/schemas/Color"},{"type":"null"}]})"));
    CHECK(registry.components() == schema(R"({"Color":{"title":"Color","type":"string","enum":["red","green"]}})"));
}

TEST_CASE("a model is a component with its properties in order, required fields and rules") {
    json::SchemaRegistry registry;
    CHECK(registry.ref<store::Item>() == schema(R"({"$ref":"#/components/schemas/Item"})"));
    json::Value const components = registry.components();
    CHECK(components == schema(R"({
        "Item": {
            "title": "Item",
            "description": "Something for sale",
            "type": "object",
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 80, "pattern": "^\\S",
                         "description": "Shown in the shop", "examples": ["pen"]},
                "price": {"$ref": "#/components/schemas/Price", "description": "Before tax"},
                "color": {"anyOf": [{"$ref": "#/components/schemas/Color"}, {"type": "null"}], "examples": ["green"]},
                "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 5,
                         "examples": [["new", "sale"]], "default": ["new"]},
                "note": {"type": ["string", "null"], "maxLength": 200},
                "rank": {"type": ["integer", "null"], "format": "int32", "exclusiveMinimum": 0, "exclusiveMaximum": 100},
                "extra": {}
            },
            "required": ["name", "price", "extra"]
        },
        "Price": {
            "title": "Price",
            "type": "object",
            "properties": {
                "amount": {"type": "number", "format": "double", "minimum": 0, "examples": [9.99]},
                "currency": {"type": "string", "enum": ["EUR", "USD"], "default": "EUR"}
            },
            "required": ["amount"]
        },
        "Color": {"title": "Color", "type": "string", "enum": ["red", "green"]}
    })"));
}

namespace rival {

struct Counter {
    std::uint8_t small = 0;
    std::uint8_t wide = 0;
};
TERN_JSON(Counter, small, wide)
TERN_JSON_RULES(Counter, json::field(&Counter::small).minimum(1).maximum(9), json::field(&Counter::wide).maximum(1000))

}  // namespace rival

TEST_CASE("a bound looser than the member's type leaves the type's bound in the schema") {
    json::SchemaRegistry registry;
    (void)json::schema_of<rival::Counter>(registry);
    CHECK(registry.components()["Counter"]["properties"] == schema(R"({
        "small": {"type": "integer", "minimum": 1, "maximum": 9},
        "wide": {"type": "integer", "minimum": 0, "maximum": 255}})"));
}

TEST_CASE("a model met twice is registered once") {
    json::SchemaRegistry registry;
    (void)json::schema_of<store::Price>(registry);
    CHECK(json::schema_of<std::vector<store::Price>>(registry) == schema(R"({"type":"array","items":{"$ref":"#/components/schemas/Price"}})"));
    CHECK(registry.size() == 1);
}

TEST_CASE("a recursive model refers to itself") {
    json::SchemaRegistry registry;
    (void)json::schema_of<store::Category>(registry);
    CHECK(registry.components() == schema(R"({"Category":{"title":"Category","type":"object","properties":{
        "name":{"type":"string"},"children":{"type":"array","items":{"$ref":"#/components/schemas/Category"}}},
        "required":["name","children"]}})"));
}

TEST_CASE("two types with one name are refused, naming both") {
    json::SchemaRegistry registry;
    CHECK_THROWS_WITH_AS(json::schema_of<rival::Holder>(registry),
                         R"(tern::json::SchemaRegistry: store::Price and rival::Price are both named "Price"; schema )"
                         "components need unique names, so rename one of them",
                         std::logic_error);
}

TEST_CASE("a model's name is its type's name without namespaces") {
    static_assert(json::model_name<store::Item>() == "Item");
    static_assert(json::model_name<store::Color>() == "Color");
    static_assert(json::model_name<store::Category>() == "Category");
    static_assert(json::detail::unqualified_name("ns::inner::Item") == "Item");
    static_assert(json::detail::unqualified_name("::Item") == "Item");
    static_assert(json::detail::unqualified_name("Item") == "Item");
}

TEST_CASE("an empty registry has an empty components object") {
    CHECK(json::SchemaRegistry().components() == json::object());
}
