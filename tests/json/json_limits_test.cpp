#include <tern/json.hpp>

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

namespace json = tern::json;

namespace limits {

struct Box {
    std::string name;
    std::optional<json::Value> payload;
    std::vector<Box> children;
};
TERN_JSON(Box, name, payload, children)

}  // namespace limits

namespace {

std::string nested_arrays(std::size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
}

}  // namespace

TEST_CASE("nesting up to the depth limit parses and one level more does not") {
    CHECK(json::parse(nested_arrays(128)).is_array());
    CHECK_THROWS_WITH_AS(json::parse(nested_arrays(129)), "invalid JSON at byte 128: nesting deeper than 128 levels",
                         json::ParseError);
    json::ParseOptions shallow;
    shallow.max_depth = 2;
    CHECK_THROWS_AS(json::parse("[[[]]]", shallow), json::ParseError);
    CHECK(json::parse("[[]]", shallow).size() == 1);
}

TEST_CASE("a depth bomb fails cleanly wherever it sits") {
    std::string const bomb = std::string(1'000'000, '[');
    CHECK_THROWS_AS(json::parse(bomb), json::ParseError);
    CHECK_THROWS_AS(json::parse(nested_arrays(100'000)), json::ParseError);
    CHECK_THROWS_AS(json::parse<std::vector<json::Value>>(nested_arrays(100'000)), json::ParseError);
    // In a part the model ignores, and in a model that recurses.
    CHECK_THROWS_AS(json::parse<limits::Box>(R"({"name":"a","children":[],"x":)" + nested_arrays(100'000) + "}"),
                    json::ParseError);
    std::string boxes;
    for (int i = 0; i < 200; ++i) boxes += R"({"name":"a","children":[)";
    for (int i = 0; i < 200; ++i) boxes += "]}";
    CHECK_THROWS_WITH_AS(json::parse<limits::Box>(boxes), doctest::Contains("nesting deeper than 128 levels"), json::ParseError);
}

TEST_CASE("a document over the size limit fails before it is parsed") {
    json::ParseOptions small;
    small.max_bytes = 10;
    CHECK(json::parse("[1,2,3,45]", small).size() == 4);
    CHECK_THROWS_WITH_AS(json::parse("[1,2,3,456]", small),
                         "invalid JSON at byte 10: document of 11 bytes exceeds the limit of 10 bytes", json::ParseError);
}

TEST_CASE("a 100 MB string is refused by the default limit") {
    std::string huge = "\"" + std::string(100 * 1024 * 1024, 'a') + "\"";
    CHECK_THROWS_WITH_AS(json::parse(huge), doctest::Contains("exceeds the limit of 16777216 bytes"), json::ParseError);
    CHECK_THROWS_AS(json::parse<std::string>(huge), json::ParseError);
}

TEST_CASE("documents above a megabyte parse with their own scratch memory") {
    std::string big = "[";
    for (int i = 0; i < 200'000; ++i) big += "12345,";
    big += "0]";
    CHECK(json::parse<std::vector<int>>(big).size() == 200'001);
    CHECK(json::parse("[1]").size() == 1);
}

TEST_CASE("numbers too large for any type fail with a clear error") {
    CHECK_THROWS_WITH_AS(json::parse("[1e999]"), "invalid JSON at byte 1: number out of range: 1e999", json::ParseError);
    std::string const long_number = "1" + std::string(400, '0');
    CHECK_THROWS_WITH_AS(json::parse(long_number), doctest::Contains("number out of range"), json::ParseError);
    try {
        (void)json::parse<std::int64_t>(long_number);
        FAIL("expected a ValidationError");
    } catch (json::ValidationError const& e) {
        REQUIRE(e.problems().size() == 1);
        CHECK(e.problems()[0].found == std::string(64, '0').replace(0, 1, "1") + "...");
    }
}

TEST_CASE("a long run of wrong types is capped at max_problems") {
    std::string many = "[";
    for (int i = 0; i < 10'000; ++i) many += "\"x\",";
    many += "\"x\"]";
    try {
        (void)json::parse<std::vector<int>>(many);
        FAIL("expected a ValidationError");
    } catch (json::ValidationError const& e) {
        CHECK(e.problems().size() == 100);
    }
}
