#include <tern/json/parse.hpp>

#include <doctest/doctest.h>

#include <string>
#include <string_view>

namespace json = tern::json;

namespace {

/// The offset parse(text) reports, or npos when it does not throw ParseError.
std::size_t error_offset(std::string_view text) {
    try {
        (void)json::parse(text);
    } catch (json::ParseError const& e) {
        return e.offset();
    }
    return std::string_view::npos;
}

}  // namespace

TEST_CASE("malformed documents report the byte where they go wrong") {
    CHECK(error_offset(R"({"a": tru})") == 6);
    CHECK(error_offset(R"([1, 2 3])") == 6);
    CHECK(error_offset(R"({"a" 1})") == 5);
    CHECK(error_offset(R"({"a":1,})") == 7);
    CHECK(error_offset(R"([1,])") == 3);
    CHECK(error_offset(R"(["a", "unclosed])") == 6);
    CHECK(error_offset("[\"ok\", \"bad\xFF\"]") == 11);
    CHECK(error_offset("[\"tab\there\"]") == 5);
    CHECK(error_offset(R"(["\x"])") == 1);
    CHECK(error_offset(R"(["\ud800"])") == 1);
    CHECK(error_offset(R"([01])") == 1);
    CHECK(error_offset(R"([-])") == 1);
    CHECK(error_offset(R"({"a":nul})") == 5);
}

TEST_CASE("content after the document is an error at its first byte") {
    CHECK(error_offset(R"({} [])") == 3);
    CHECK(error_offset(R"(1 2)") == 2);
    CHECK(error_offset(R"("a" x)") == 4);
    CHECK(error_offset(R"([1]])") == 3);
    CHECK(error_offset(R"({"a":"}"}  x)") == 11);
}

TEST_CASE("a document that ends inside an array or object is an error at its end") {
    CHECK(error_offset(R"({"a":[1,2)") == 9);
    CHECK(error_offset(R"([[])") == 3);
}

TEST_CASE("an empty document is an error at byte 0") {
    CHECK(error_offset("") == 0);
    CHECK(error_offset("   ") == 0);
    CHECK_THROWS_WITH_AS(json::parse(""), "invalid JSON at byte 0: empty document", json::ParseError);
}

TEST_CASE("malformed text is a parse error even where the type is wrong anyway") {
    CHECK_THROWS_AS(json::parse<std::string>("tru"), json::ParseError);
    CHECK_THROWS_AS(json::parse<int>("[1,"), json::ParseError);
    CHECK_THROWS_AS(json::parse<std::vector<int>>("[1,2"), json::ParseError);
}

TEST_CASE("the error message names the offset and the reason") {
    try {
        (void)json::parse(R"({"a": tru})");
        FAIL("expected a ParseError");
    } catch (json::ParseError const& e) {
        CHECK(std::string(e.what()).starts_with("invalid JSON at byte 6: "));
    }
}
