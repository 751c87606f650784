#include <tern/http/response.hpp>

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

TEST_CASE("a header value handed over as a std::string is kept without a copy") {
    auto res = tern::Response::text("x");
    std::string etag(40, 'a');   // past the string's inline buffer: it owns a heap block
    char const* const block = etag.data();
    res.header("ETag", std::move(etag));
    REQUIRE(res.headers().size() == 1);
    CHECK(res.headers().back().first == "ETag");
    CHECK(res.headers().back().second == std::string(40, 'a'));
    CHECK(res.headers().back().second.data() == block);   // the same block, moved in
}

TEST_CASE("a literal or a named string still goes through the copying header()") {
    auto res = tern::Response::text("x");
    std::string const kept = "kept-value";
    std::string named = "named-value";
    res.header("X-Literal", "literal").header("X-Kept", kept).header("X-Named", named);
    CHECK(named == "named-value");   // an lvalue is copied, never moved from
    CHECK(res.header("X-Literal") == "literal");
    CHECK(res.header("X-Kept") == "kept-value");
    CHECK(res.header("X-Named") == "named-value");
    auto chained = tern::Response::text("x").header("X-Moved", std::string(20, 'b'));   // on a temporary too
    CHECK(chained.header("X-Moved") == std::string(20, 'b'));
}

TEST_CASE("a header value handed over is checked like any other") {
    auto res = tern::Response::text("x");
    CHECK_THROWS_AS(res.header("X-Evil", std::string("a\r\nSet-Cookie: stolen=1")), std::invalid_argument);
    CHECK_THROWS_AS(res.header("Bad Name", std::string("v")), std::invalid_argument);
    CHECK_THROWS_AS(res.header("Content-Length", std::string("5")), std::invalid_argument);
    CHECK(res.headers().empty());
    res.header("Content-Type", std::string("image/x-test"));   // taken as the type, not a header
    CHECK(res.content_type() == "image/x-test");
    CHECK(res.headers().empty());
    res.header("Connection", std::string("close"));
    CHECK_FALSE(res.keep_alive());
}

TEST_CASE("a literal body is the literal, and an array's ends at its NUL, as a C string's does") {
    auto const res = tern::Response::text("Hello");
    CHECK(res.body() == "Hello");
    CHECK(res.content_type() == "text/plain; charset=utf-8");
    CHECK(res.status() == 200);
    char buffer[16] = "ab";   // the rest of it zeros
    CHECK(tern::Response::text(buffer).body() == "ab");
    CHECK(tern::Response::text(std::string("a\0b", 3)).body().size() == 3);   // a std::string keeps its NULs
}
