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
