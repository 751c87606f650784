// The bytes a Response becomes on the wire. The serializer keeps the last plain head it wrote
// (per thread) and copies it for the next response whose head would be the same: these tests
// answer one response after another and check that each is what it alone would be.
#include "http/serializer.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

using tern::Response;
using tern::detail::serialize_response;
using tern::detail::SerializeOptions;

namespace {

// The response's bytes, with the Date's value (which changes every second) replaced by "D".
std::string wire(Response const& res, SerializeOptions options = {}) {
    std::string out = "already there|";   // the serializer appends to what the buffer holds
    serialize_response(res, options, out);
    REQUIRE(out.starts_with("already there|"));
    out.erase(0, std::string_view("already there|").size());
    auto const date = out.find("Date: ");
    REQUIRE(date != std::string::npos);
    auto const end = out.find("\r\n", date);
    return out.substr(0, date + 6) + "D" + out.substr(end);
}

constexpr std::string_view hello_head = "HTTP/1.1 200 OK\r\nServer: tern\r\nDate: D\r\n"
                                        "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n";

std::string expected(std::string_view head, std::string_view tail) { return std::string(head) + std::string(tail); }

}  // namespace

TEST_CASE("the same plain response twice gives the same bytes, body included") {
    std::string const first = wire(Response::text("hello"));
    CHECK(first == expected(hello_head, "\r\nhello"));
    CHECK(wire(Response::text("hello")) == first);
    CHECK(wire(Response::text("world")) == expected(hello_head, "\r\nworld"));   // same head, other body
}

TEST_CASE("a response after a plain one gets its own head when anything in it differs") {
    (void)wire(Response::text("hello"));   // the head the next one could be mistaken for
    SUBCASE("the body's length") {
        CHECK(wire(Response::text("hello!")).find("Content-Length: 6\r\n") != std::string::npos);
    }
    SUBCASE("the status") {
        std::string const res = wire(Response::text("hello").status(404));
        CHECK(res.starts_with("HTTP/1.1 404 Not Found\r\n"));
        CHECK(res.ends_with("Content-Length: 5\r\n\r\nhello"));
    }
    SUBCASE("the content type") {
        CHECK(wire(Response::raw_json("hello")).find("Content-Type: application/json\r\n") != std::string::npos);
        CHECK(wire(Response::html("hello")).find("Content-Type: text/html; charset=utf-8\r\n") != std::string::npos);
    }
    SUBCASE("a content type of the response's own, twice, each its own") {
        CHECK(wire(Response::bytes("hello", "image/png")).find("Content-Type: image/png\r\n") != std::string::npos);
        CHECK(wire(Response::bytes("hello", "image/gif")).find("Content-Type: image/gif\r\n") != std::string::npos);
    }
    SUBCASE("a header of the response's own") {
        CHECK(wire(Response::text("hello").header("X-A", "1")) == expected(hello_head, "X-A: 1\r\n\r\nhello"));
        CHECK(wire(Response::text("hello")) == expected(hello_head, "\r\nhello"));
    }
    SUBCASE("the connection's fate") {
        CHECK(wire(Response::text("hello"), {.close = true}) == expected(hello_head, "Connection: close\r\n\r\nhello"));
        CHECK(wire(Response::text("hello"), {.http10_keep_alive = true}) ==
              expected(hello_head, "Connection: keep-alive\r\n\r\nhello"));
        CHECK(wire(Response::text("hello")) == expected(hello_head, "\r\nhello"));
    }
    SUBCASE("a Connection header of the response's own is not announced twice") {
        std::string const res = wire(Response::text("hello").header("Connection", "close"), {.close = true});
        CHECK(res == expected(hello_head, "Connection: close\r\n\r\nhello"));
    }
}

TEST_CASE("a HEAD answer has the GET's head and no body, before and after a GET") {
    CHECK(wire(Response::text("hello"), {.head = true}) == expected(hello_head, "\r\n"));
    CHECK(wire(Response::text("hello")) == expected(hello_head, "\r\nhello"));
    CHECK(wire(Response::text("hello"), {.head = true}) == expected(hello_head, "\r\n"));
}

TEST_CASE("204 and 304 carry no body, and 204 no Content-Length, whatever came before") {
    (void)wire(Response::text("hello"));
    CHECK(wire(Response::empty(204)) == "HTTP/1.1 204 No Content\r\nServer: tern\r\nDate: D\r\n\r\n");
    CHECK(wire(Response::empty(204)) == "HTTP/1.1 204 No Content\r\nServer: tern\r\nDate: D\r\n\r\n");
    std::string const not_modified = wire(Response::text("hello").status(304));
    CHECK(not_modified.starts_with("HTTP/1.1 304 Not Modified\r\n"));
    CHECK(not_modified.ends_with("\r\n\r\n"));
    CHECK(not_modified.find("hello") == std::string::npos);
}
