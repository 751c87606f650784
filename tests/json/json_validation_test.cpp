#include <tern/json/reader.hpp>

#include <tern/json/parse.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace json = tern::json;

namespace orders {

enum class Size { small, large };
TERN_JSON_ENUM(Size, small, large)

struct Line {
    std::string name;
    double price = 0;
    std::uint8_t qty = 0;
    std::optional<Size> size;
};
TERN_JSON(Line, name, price, qty, size)

struct Customer {
    std::string name;
    std::int64_t id = 0;
    std::map<std::string, double> discounts;
};
TERN_JSON(Customer, name, id, discounts)

struct Order {
    std::vector<Line> items;
    Customer customer;
    float weight = 0;
    std::uint64_t serial = 0;
};
TERN_JSON(Order, items, customer, weight, serial)

}  // namespace orders

namespace {

constexpr std::string_view customer = R"("customer":{"name":"ada","id":1,"discounts":{}})";

std::string order(std::string_view items, std::string_view rest = R"("weight":1,"serial":2)") {
    return "{\"items\":[" + std::string(items) + "]," + std::string(customer) + "," + std::string(rest) + "}";
}

/// The single problem parse<Order> finds in `text`, as "path: message".
std::string problem_in(std::string const& text, json::ParseOptions const& options = {}) {
    try {
        (void)json::parse<orders::Order>(text, options);
    } catch (json::ValidationError const& e) {
        REQUIRE(e.problems().size() == 1);
        return e.problems()[0].path() + ": " + e.problems()[0].message();
    }
    FAIL("no ValidationError for " << text);
    return {};
}

}  // namespace

TEST_CASE("a well-formed order parses") {
    auto const o = json::parse<orders::Order>(order(R"({"name":"pen","price":1.5,"qty":2,"size":"large"})"));
    REQUIRE(o.items.size() == 1);
    CHECK(o.items[0].size == orders::Size::large);
    CHECK(o.customer.name == "ada");
}

TEST_CASE("a wrong type is reported with its path, what was expected and what was found") {
    std::string const items = R"({"name":"a","price":1,"qty":1},{"name":"b","price":2,"qty":1},{"name":"c","price":"3","qty":1})";
    CHECK(problem_in(order(items)) == "items[2].price: expected number, got string");
    CHECK(problem_in(order(R"({"name":1,"price":1,"qty":1})")) == "items[0].name: expected string, got number");
    CHECK(problem_in(order(R"({"name":null,"price":1,"qty":1})")) == "items[0].name: expected string, got null");
    CHECK(problem_in(R"({"items":{},)" + std::string(customer) + R"(,"weight":1,"serial":2})") ==
          "items: expected array, got object");
    CHECK(problem_in("[]") == "(root): expected object, got array");
    CHECK(problem_in("7") == "(root): expected object, got number");
}

TEST_CASE("a missing required field is reported at the path it should have had") {
    CHECK(problem_in(order(R"({"name":"a","qty":1})")) == "items[0].price: field required");
    CHECK(problem_in(R"({"items":[],"customer":{"id":1,"discounts":{}},"weight":1,"serial":2})") ==
          "customer.name: field required");
}

TEST_CASE("integers out of their type's range are reported with the range") {
    CHECK(problem_in(order(R"({"name":"a","price":1,"qty":256})")) == "items[0].qty: expected integer in [0, 255], got 256");
    CHECK(problem_in(order(R"({"name":"a","price":1,"qty":-1})")) == "items[0].qty: expected integer in [0, 255], got -1");
    CHECK(problem_in(R"({"items":[],"customer":{"name":"a","id":9223372036854775808,"discounts":{}},"weight":1,"serial":2})") ==
          "customer.id: expected integer in [-9223372036854775808, 9223372036854775807], got 9223372036854775808");
    CHECK(problem_in(order("", R"("weight":1,"serial":18446744073709551616)")) ==
          "serial: expected integer in [0, 18446744073709551615], got 18446744073709551616");
    CHECK(problem_in(order("", R"("weight":1,"serial":-1)")) == "serial: expected integer in [0, 18446744073709551615], got -1");
    CHECK(problem_in(order("", R"("weight":1e39,"serial":1)")) == "weight: expected number in float range, got 1e+39");
    CHECK(problem_in(order("", R"("weight":1e999,"serial":1)")) == "weight: expected number in double range, got 1e999");
}

TEST_CASE("a fraction where an integer is wanted is a wrong type") {
    CHECK(problem_in(order(R"({"name":"a","price":1,"qty":2.5})")) == "items[0].qty: expected integer, got number 2.5");
    CHECK(problem_in(order(R"({"name":"a","price":1,"qty":1e2})")) == "items[0].qty: expected integer, got number 1e2");
}

TEST_CASE("an enum's string must be one of its names") {
    CHECK(problem_in(order(R"({"name":"a","price":1,"qty":1,"size":"huge"})")) ==
          R"(items[0].size: expected one of "small", "large", got "huge")");
    CHECK(problem_in(order(R"({"name":"a","price":1,"qty":1,"size":3})")) == "items[0].size: expected string, got number");
}

TEST_CASE("map values are checked under their key") {
    CHECK(problem_in(R"({"items":[],"customer":{"name":"a","id":1,"discounts":{"eur":true}},"weight":1,"serial":2})") ==
          "customer.discounts.eur: expected number, got boolean");
}

TEST_CASE("unknown fields are ignored by default and reported when rejected") {
    std::string const text = order(R"({"name":"a","price":1,"qty":1,"colour":{"deep":[1,2]}})");
    CHECK(json::parse<orders::Order>(text).items.size() == 1);
    json::ParseOptions strict;
    strict.unknown_fields = json::UnknownFields::reject;
    CHECK(problem_in(text, strict) == "items[0].colour: unknown field");
}

TEST_CASE("every problem in a document is listed, in document order") {
    std::string const text =
        R"({"items":[{"name":"a","price":"1","qty":300},{"price":2,"qty":1}],"customer":{"name":"ada","id":"x","discounts":{}},"serial":1})";
    try {
        (void)json::parse<orders::Order>(text);
        FAIL("expected a ValidationError");
    } catch (json::ValidationError const& e) {
        CHECK(std::string(e.what()) ==
              "items[0].price: expected number, got string; items[0].qty: expected integer in [0, 255], got 300; "
              "items[1].name: field required; customer.id: expected integer, got string; weight: field required");
        REQUIRE(e.problems().size() == 5);
        auto const& p = e.problems()[0];
        CHECK(p.loc == std::vector<json::PathElement>{std::string("items"), std::size_t{0}, std::string("price")});
        CHECK(p.kind == json::ProblemKind::wrong_type);
        CHECK(p.expected == "number");
        CHECK(p.found == "string");
        CHECK(e.problems()[2].kind == json::ProblemKind::missing);
        CHECK(e.problems()[1].kind == json::ProblemKind::out_of_range);
        CHECK(e.problems()[1].found == "300");
    }
}

TEST_CASE("parsing stops after max_problems") {
    json::ParseOptions options;
    options.max_problems = 3;
    try {
        (void)json::parse<std::vector<int>>(R"(["a","b","c","d","e"])", options);
        FAIL("expected a ValidationError");
    } catch (json::ValidationError const& e) {
        CHECK(e.problems().size() == 3);
        CHECK(e.problems()[2].path() == "[2]");
    }
}

TEST_CASE("a malformed value inside an ignored or mistyped part is still a parse error") {
    CHECK_THROWS_AS(json::parse<orders::Order>(order(R"({"name":"a","price":1,"qty":1,"x":[1,tru]})")), json::ParseError);
    CHECK_THROWS_AS(json::parse<orders::Order>(order(R"({"name":["a",nul],"price":1,"qty":1})")), json::ParseError);
    CHECK_THROWS_AS(json::parse<orders::Order>(order(R"({"name":"a","price":1,"qty":1,"x":"\q"})")), json::ParseError);
    CHECK_THROWS_AS(json::parse<orders::Order>(order(R"({"name":"a","price":-,"qty":1})")), json::ParseError);
    CHECK_THROWS_AS(json::parse<orders::Order>(order(R"({"name":"a","price":1,"qty":1,"x":1.})")), json::ParseError);
    CHECK_THROWS_AS(json::parse<orders::Order>(order(R"({"name":"a","price":fals,"qty":1})")), json::ParseError);
}
