#include <tern/json/error.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace json = tern::json;

namespace {

json::ValidationError two_problems() {
    return json::ValidationError({
        {{std::string("items"), std::size_t{2}, std::string("price")}, json::ProblemKind::wrong_type, "number", "string"},
        {{std::string("customer"), std::string("name")}, json::ProblemKind::missing, "value", "nothing"},
    });
}

}  // namespace

TEST_CASE("a problem's path joins keys with dots and puts indexes in brackets") {
    json::Problem p{{std::size_t{0}, std::string("a"), std::size_t{3}, std::size_t{4}, std::string("b")}, json::ProblemKind::wrong_type, "", ""};
    CHECK(p.path() == "[0].a[3][4].b");
    CHECK(json::Problem{}.path() == "(root)");
}

TEST_CASE("each kind of problem has its own message and type") {
    using K = json::ProblemKind;
    CHECK(json::Problem{{}, K::wrong_type, "number", "string"}.message() == "expected number, got string");
    CHECK(json::Problem{{}, K::missing, "value", "nothing"}.message() == "field required");
    CHECK(json::Problem{{}, K::unknown_field, "no such field", "field"}.message() == "unknown field");
    CHECK(json::Problem{{}, K::wrong_type, "", ""}.type() == "type_error");
    CHECK(json::Problem{{}, K::missing, "", ""}.type() == "missing");
    CHECK(json::Problem{{}, K::out_of_range, "", ""}.type() == "out_of_range");
    CHECK(json::Problem{{}, K::invalid_enum, "", ""}.type() == "enum");
    CHECK(json::Problem{{}, K::unknown_field, "", ""}.type() == "extra_forbidden");
}

TEST_CASE("broken rules have pydantic's types and say what the rule wanted") {
    using K = json::ProblemKind;
    auto const said = [](K kind, std::string expected, std::string found) {
        json::Problem const p{{}, kind, std::move(expected), std::move(found)};
        return std::string(p.type()) + ": " + p.message();
    };
    CHECK(said(K::greater_than_equal, "1", "0") == "greater_than_equal: should be greater than or equal to 1, got 0");
    CHECK(said(K::greater_than, "0", "-0.5") == "greater_than: should be greater than 0, got -0.5");
    CHECK(said(K::less_than_equal, "5", "6") == "less_than_equal: should be less than or equal to 5, got 6");
    CHECK(said(K::less_than, "1", "1") == "less_than: should be less than 1, got 1");
    CHECK(said(K::string_too_short, "1", "0") == "string_too_short: should be at least 1 character long, got 0");
    CHECK(said(K::string_too_short, "3", "2") == "string_too_short: should be at least 3 characters long, got 2");
    CHECK(said(K::string_too_long, "200", "201") == "string_too_long: should be at most 200 characters long, got 201");
    CHECK(said(K::string_pattern_mismatch, "^[a-z]+$", R"("A")") ==
          R"(string_pattern_mismatch: should match pattern "^[a-z]+$", got "A")");
    CHECK(said(K::too_short, "1", "0") == "too_short: should have at least 1 item, got 0");
    CHECK(said(K::too_long, "10", "11") == "too_long: should have at most 10 items, got 11");
    CHECK(said(K::invalid_enum, R"(one of "a", "b")", R"("c")") == R"(enum: expected one of "a", "b", got "c")");
}

TEST_CASE("broken rules render as FastAPI's detail body too") {
    json::ValidationError const error({
        {{std::string("title")}, json::ProblemKind::string_too_short, "1", "0"},
        {{std::string("items"), std::size_t{2}, std::string("price")}, json::ProblemKind::greater_than, "0", "0"},
        {{std::string("done")}, json::ProblemKind::wrong_type, "boolean", "string"},
    });
    CHECK(json::render_detail(error) ==
          R"({"detail":[{"loc":["body","title"],"msg":"should be at least 1 character long, got 0","type":"string_too_short"},)"
          R"({"loc":["body","items",2,"price"],"msg":"should be greater than 0, got 0","type":"greater_than"},)"
          R"({"loc":["body","done"],"msg":"expected boolean, got string","type":"type_error"}]})");
}

TEST_CASE("a validation error's message lists every problem with its path") {
    CHECK(std::string(two_problems().what()) == "items[2].price: expected number, got string; customer.name: field required");
    CHECK(two_problems().problems().size() == 2);
}

TEST_CASE("a validation error renders as FastAPI's detail body") {
    CHECK(json::render_detail(two_problems()) ==
          R"({"detail":[{"loc":["body","items",2,"price"],"msg":"expected number, got string","type":"type_error"},)"
          R"({"loc":["body","customer","name"],"msg":"field required","type":"missing"}]})");
    CHECK(json::render_detail(two_problems(), "") ==
          R"({"detail":[{"loc":["items",2,"price"],"msg":"expected number, got string","type":"type_error"},)"
          R"({"loc":["customer","name"],"msg":"field required","type":"missing"}]})");
}

TEST_CASE("rendering appends to the caller's buffer") {
    std::string out = "prefix:";
    json::render_detail_to(out, json::ValidationError({{{}, json::ProblemKind::wrong_type, "object", "array"}}), "body");
    CHECK(out == R"(prefix:{"detail":[{"loc":["body"],"msg":"expected object, got array","type":"type_error"}]})");
}

TEST_CASE("a parse error's message names the byte offset") {
    json::ParseError const e(17, "missing comma");
    CHECK(std::string(e.what()) == "invalid JSON at byte 17: missing comma");
    CHECK(e.offset() == 17);
    CHECK(e.reason() == "missing comma");
}
