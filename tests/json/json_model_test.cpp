#include <tern/json/model.hpp>

#include <tern/json/dump.hpp>
#include <tern/json/parse.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace json = tern::json;

namespace shop {

enum class Color { red, green, blue };
TERN_JSON_ENUM(Color, red, green, blue)

struct Price {
    double amount = 0;
    std::string currency;
    friend bool operator==(Price const&, Price const&) = default;
};
TERN_JSON(Price, amount, currency)

struct Item {
    std::string name;
    double price = 0;
    std::optional<std::string> note;
    friend bool operator==(Item const&, Item const&) = default;
};
TERN_JSON(Item, name, price, note)

struct Everything {
    bool flag = false;
    std::int8_t i8 = 0;
    std::uint8_t u8 = 0;
    std::int16_t i16 = 0;
    std::uint16_t u16 = 0;
    std::int32_t i32 = 0;
    std::uint32_t u32 = 0;
    std::int64_t i64 = 0;
    std::uint64_t u64 = 0;
    float f = 0;
    double d = 0;
    std::string s;
    std::optional<int> maybe;
    std::vector<int> list;
    std::map<std::string, double> rates;
    Price nested;
    Color color = Color::red;
    json::Value extra;
    std::vector<Price> history;
    std::optional<std::vector<std::string>> tags;
    friend bool operator==(Everything const&, Everything const&) = default;
};
TERN_JSON(Everything, flag, i8, u8, i16, u16, i32, u32, i64, u64, f, d, s, maybe, list, rates, nested, color, extra,
          history, tags)

struct View {
    std::string_view name;
};
TERN_JSON(View, name)

struct HoldsView {
    std::vector<View> views;
};
TERN_JSON(HoldsView, views)

}  // namespace shop

TEST_CASE("a model dumps its members in declaration order, nullopt as null") {
    CHECK(json::dump(shop::Item{"pen", 1.5, std::nullopt}) == R"({"name":"pen","price":1.5,"note":null})");
    CHECK(json::dump(shop::Item{"pen", 2, "blue"}) == R"({"name":"pen","price":2.0,"note":"blue"})");
}

TEST_CASE("a model parses whatever order its members come in") {
    auto const item = json::parse<shop::Item>(R"({"price": 1.5, "note": "x", "name": "pen"})");
    CHECK(item == shop::Item{"pen", 1.5, "x"});
}

TEST_CASE("an optional member may be absent or null") {
    CHECK(json::parse<shop::Item>(R"({"name":"pen","price":1})").note == std::nullopt);
    CHECK(json::parse<shop::Item>(R"({"name":"pen","price":1,"note":null})").note == std::nullopt);
}

TEST_CASE("every supported member type survives a round trip, at its extremes") {
    shop::Everything e;
    e.flag = true;
    e.i8 = std::numeric_limits<std::int8_t>::min();
    e.u8 = std::numeric_limits<std::uint8_t>::max();
    e.i16 = std::numeric_limits<std::int16_t>::min();
    e.u16 = std::numeric_limits<std::uint16_t>::max();
    e.i32 = std::numeric_limits<std::int32_t>::min();
    e.u32 = std::numeric_limits<std::uint32_t>::max();
    e.i64 = std::numeric_limits<std::int64_t>::min();
    e.u64 = std::numeric_limits<std::uint64_t>::max();
    e.f = 0.1f;
    e.d = 5e-324;
    e.s = "tab\there \"quoted\" \xE2\x82\xAC";
    e.maybe = 0;
    e.list = {1, -2, 3};
    e.rates = {{"eur", 1.0}, {"usd", 1.08}};
    e.nested = {9.99, "EUR"};
    e.color = shop::Color::blue;
    e.extra = json::object({{"free", json::array({1, "two", nullptr})}});
    e.history = {{1, "a"}, {2, "b"}};
    e.tags = std::vector<std::string>{"x"};
    std::string const text = json::dump(e);
    CHECK(json::parse<shop::Everything>(text) == e);
    CHECK(json::dump(json::parse<shop::Everything>(text)) == text);
}

TEST_CASE("an all-default model survives a round trip too") {
    shop::Everything const e;
    CHECK(json::parse<shop::Everything>(json::dump(e)) == e);
}

TEST_CASE("enums are written and read as their names") {
    CHECK(json::dump(shop::Color::green) == R"("green")");
    CHECK(json::parse<shop::Color>(R"("blue")") == shop::Color::blue);
    CHECK_THROWS_WITH_AS(json::dump(static_cast<shop::Color>(7)), "enum value 7 has no name in TERN_JSON_ENUM",
                         json::DumpError);
}

TEST_CASE("top-level vectors, maps and scalars parse like members") {
    CHECK(json::parse<std::vector<shop::Price>>(R"([{"amount":1,"currency":"x"}])") == std::vector<shop::Price>{{1, "x"}});
    CHECK(json::parse<std::map<std::string, int>>(R"({"b":2,"a":1})") == std::map<std::string, int>{{"a", 1}, {"b", 2}});
    CHECK(json::parse<int>(" -5 ") == -5);
    CHECK(json::parse<std::string>(R"("s")") == "s");
    CHECK(json::parse<std::optional<int>>("null") == std::nullopt);
}

TEST_CASE("a duplicated key overwrites instead of appending") {
    auto const e = json::parse<std::map<std::string, std::vector<int>>>(R"({"a":[1,2],"a":[3]})");
    CHECK(e.at("a") == std::vector<int>{3});
}

TEST_CASE("models holding views can be dumped but not parsed") {
    CHECK(json::dump(shop::View{"pen"}) == R"({"name":"pen"})");
    static_assert(!json::Parsable<shop::View>);
    static_assert(!json::Parsable<shop::HoldsView>);
    static_assert(!json::Parsable<std::optional<std::string_view>>);
    static_assert(json::Parsable<shop::Everything>);
    static_assert(json::Parsable<std::map<std::string, std::vector<shop::Item>>>);
}

TEST_CASE("the padded overload parses text in place") {
    std::string buffer = R"({"name":"pen","price":3})";
    std::size_t const size = buffer.size();
    buffer.resize(size + json::padding, 'x');
    auto const item = json::parse<shop::Item>(std::string_view(buffer.data(), size), json::padded);
    CHECK(item == shop::Item{"pen", 3, std::nullopt});
    CHECK(json::parse(std::string_view(buffer.data(), size), json::padded)["price"].as_int() == 3);
}
