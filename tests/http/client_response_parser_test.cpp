#include "http/client/response_parser.hpp"   // first include: proves the header is self-contained

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace std::literals;
using tern::http::detail::ResponseLimits;
using tern::http::detail::ResponseParser;
using tern::http::detail::ResponseState;

// One response as the client saw it.
struct Seen {
    ResponseState state = ResponseState::need_more;
    int status = 0;
    std::string reason;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string error;
    bool keep_alive = false;
    std::size_t used = 0;        // bytes of the wire consumed
    std::size_t interim = 0;
};

enum class Feed { whole, byte_by_byte };
constexpr Feed feeds[] = {Feed::whole, Feed::byte_by_byte};

// Feeds `wire` as a connection would: whole, or a byte per read with the unconsumed bytes kept
// in a buffer that moves (a fresh std::string each time, so stale views would show under ASan).
// `eof`: the connection closes after the last byte.
Seen feed(std::string_view wire, Feed how, bool eof = false, bool head_request = false, ResponseLimits limits = {}) {
    ResponseParser parser{limits};
    parser.start(head_request);
    Seen seen;
    std::string pending;
    std::size_t next = 0;
    std::vector<std::string_view> pieces;
    while (seen.state == ResponseState::need_more && next < wire.size()) {
        std::size_t const n = how == Feed::whole ? wire.size() : 1;
        pending = std::string(pending) + std::string(wire.substr(next, n));
        next += n;
        pieces.clear();
        seen.state = parser.parse(pending, pieces);
        for (auto piece : pieces) seen.body += piece;
        pending.erase(0, parser.consumed());
        seen.used += parser.consumed();
    }
    if (seen.state == ResponseState::need_more && eof) seen.state = parser.finish();
    if (parser.head_ready()) {
        seen.status = parser.head().status;
        seen.reason = parser.head().reason;
        seen.headers = parser.head().headers;
    }
    seen.error = parser.error();
    seen.keep_alive = parser.keep_alive();
    seen.interim = parser.interim_count();
    return seen;
}

std::string name(Feed how) { return how == Feed::whole ? "fed whole" : "fed one byte at a time"; }

constexpr std::string_view content_length_response =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";
constexpr std::string_view chunked_response =
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n";
constexpr std::string_view close_delimited_response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end";
constexpr std::string_view continue_then_response =
    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
    "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok";

}  // namespace

TEST_CASE("a Content-Length response gives its status, reason, headers and body") {
    for (Feed how : feeds) {
        CAPTURE(name(how));
        Seen const s = feed(content_length_response, how);
        REQUIRE(s.state == ResponseState::complete);
        CHECK(s.status == 200);
        CHECK(s.reason == "OK");
        REQUIRE(s.headers.size() == 2);
        CHECK(s.headers[0].first == "Content-Type");
        CHECK(s.headers[0].second == "text/plain");
        CHECK(s.body == "hello");
        CHECK(s.keep_alive);
        CHECK(s.used == content_length_response.size());
    }
}

TEST_CASE("a chunked body is de-chunked, and its extensions and trailers are dropped") {
    for (Feed how : feeds) {
        CAPTURE(name(how));
        Seen const s = feed(chunked_response, how);
        REQUIRE(s.state == ResponseState::complete);
        CHECK(s.body == "hello, world");
        CHECK(s.headers.size() == 1);
        CHECK(s.keep_alive);
        CHECK(s.used == chunked_response.size());
    }
}

TEST_CASE("a body without framing runs to the close, and the connection is not kept") {
    for (Feed how : feeds) {
        CAPTURE(name(how));
        CHECK(feed(close_delimited_response, how).state == ResponseState::need_more);
        Seen const s = feed(close_delimited_response, how, /*eof=*/true);
        REQUIRE(s.state == ResponseState::complete);
        CHECK(s.body == "until the end");
        CHECK_FALSE(s.keep_alive);
    }
}

TEST_CASE("1xx responses are skipped and the final response is parsed after them") {
    for (Feed how : feeds) {
        CAPTURE(name(how));
        Seen const s = feed(continue_then_response, how);
        REQUIRE(s.state == ResponseState::complete);
        CHECK(s.status == 201);
        CHECK(s.reason == "Created");
        REQUIRE(s.headers.size() == 1);   // not the 103's Link
        CHECK(s.headers[0].first == "Content-Length");
        CHECK(s.body == "ok");
        CHECK(s.interim == 2);
    }
}

TEST_CASE("a response to HEAD has no body, whatever its Content-Length says") {
    std::string_view const wire = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
    for (Feed how : feeds) {
        CAPTURE(name(how));
        Seen const s = feed(wire, how, false, /*head_request=*/true);
        REQUIRE(s.state == ResponseState::complete);
        CHECK(s.body.empty());
        CHECK(s.keep_alive);
    }
}

TEST_CASE("204 and 304 have no body, even with a Content-Length") {
    for (std::string_view wire : {"HTTP/1.1 204 No Content\r\n\r\n"sv,
                                  "HTTP/1.1 304 Not Modified\r\nContent-Length: 120\r\nETag: \"x\"\r\n\r\n"sv}) {
        for (Feed how : feeds) {
            CAPTURE(wire);
            CAPTURE(name(how));
            Seen const s = feed(wire, how);
            REQUIRE(s.state == ResponseState::complete);
            CHECK(s.body.empty());
            CHECK(s.keep_alive);
            CHECK(s.used == wire.size());
        }
    }
}

TEST_CASE("bytes after the response are left unconsumed") {
    std::string const wire = std::string(content_length_response) + "HTTP/1.1 200 OK\r\n";
    Seen const s = feed(wire, Feed::whole);
    REQUIRE(s.state == ResponseState::complete);
    CHECK(s.used == content_length_response.size());
}

TEST_CASE("Connection: close and HTTP/1.0 without keep-alive end the connection") {
    CHECK_FALSE(feed("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", Feed::whole).keep_alive);
    CHECK_FALSE(feed("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", Feed::whole).keep_alive);
    CHECK(feed("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", Feed::whole).keep_alive);
    // RFC 9110 7.6.1: spaces or tabs around an option (llhttp alone read "close\t" as another one).
    CHECK_FALSE(feed("HTTP/1.1 200 OK\r\nConnection: close\t\r\nContent-Length: 0\r\n\r\n", Feed::whole).keep_alive);
    CHECK_FALSE(feed("HTTP/1.1 200 OK\r\nConnection: te,\tclose\r\nContent-Length: 0\r\n\r\n", Feed::whole).keep_alive);
}

TEST_CASE("header values lose their surrounding whitespace") {
    Seen const s = feed("HTTP/1.1 200 OK\r\nX-A:   padded \t \r\nContent-Length: 0\r\n\r\n", Feed::byte_by_byte);
    REQUIRE(s.state == ResponseState::complete);
    CHECK(s.headers[0].second == "padded");
}

TEST_CASE("malformed responses fail with a message naming what was wrong") {
    struct Row {
        std::string_view wire;
        std::string_view error;
    };
    Row const rows[] = {
        {"HTTQ/1.1 200 OK\r\n\r\n", "malformed status line"},
        {"HTTP/1.1 2x0 OK\r\n\r\n", "malformed status code"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n", "invalid Content-Length"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "Content-Length"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "invalid chunk size"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "Transfer-Encoding 'gzip' is not supported"},
        {"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", "invalid character in a header"},
        {"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n", "101"},
    };
    for (Row const& row : rows) {
        for (Feed how : feeds) {
            CAPTURE(row.wire);
            CAPTURE(name(how));
            Seen const s = feed(row.wire, how);
            REQUIRE(s.state == ResponseState::failed);
            CHECK(s.error.find(row.error) != std::string::npos);
        }
    }
}

TEST_CASE("a connection that closes early says where the response was cut") {
    ResponseParser parser;
    parser.start(false);
    CHECK(parser.nothing_received());
    CHECK(parser.finish() == ResponseState::failed);
    CHECK(parser.error().find("before any byte") != std::string::npos);

    Seen const head = feed("HTTP/1.1 200 OK\r\nContent-Le", Feed::whole, true);
    CHECK(head.state == ResponseState::failed);
    CHECK(head.error.find("middle of the response head") != std::string::npos);

    Seen const body = feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", Feed::byte_by_byte, true);
    CHECK(body.state == ResponseState::failed);
    CHECK(body.error.find("3 of 10 body bytes") != std::string::npos);

    Seen const chunked = feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", Feed::whole, true);
    CHECK(chunked.state == ResponseState::failed);
    CHECK(chunked.error.find("chunked body") != std::string::npos);

    Seen const interim = feed("HTTP/1.1 100 Continue\r\n\r\n", Feed::whole, true);
    CHECK(interim.state == ResponseState::failed);
    CHECK(interim.error.find("after a 1xx") != std::string::npos);
}

TEST_CASE("the head limit counts every 1xx head too, and trips at the same byte however the bytes arrive") {
    ResponseLimits limits;
    limits.max_head_bytes = 64;
    std::string const fits = "HTTP/1.1 204 OK\r\nX: " + std::string(64 - 24, 'a') + "\r\n\r\n";
    REQUIRE(fits.size() == 64);
    std::string const too_big = "HTTP/1.1 204 OK\r\nX: " + std::string(64 - 23, 'a') + "\r\n\r\n";
    for (Feed how : feeds) {
        CAPTURE(name(how));
        CHECK(feed(fits, how, false, false, limits).state == ResponseState::complete);
        Seen const s = feed(too_big, how, false, false, limits);
        CHECK(s.state == ResponseState::failed);
        CHECK(s.error == "response head exceeds 64 bytes");
        std::string const endless = "HTTP/1.1 100 Continue\r\n\r\n" + std::string(fits);
        CHECK(feed(endless, how, false, false, limits).state == ResponseState::failed);
    }
}

TEST_CASE("the body limit refuses a large Content-Length at once and counts other bodies as they come") {
    ResponseLimits limits;
    limits.max_body = 4;
    for (Feed how : feeds) {
        CAPTURE(name(how));
        Seen const announced = feed("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", how, false, false, limits);
        CHECK(announced.state == ResponseState::failed);
        CHECK(announced.error == "a body of 5 bytes exceeds the 4-byte limit");
        Seen const chunked = feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\n", how,
                                  false, false, limits);
        CHECK(chunked.state == ResponseState::failed);
        CHECK(chunked.error.find("chunked body exceeds") != std::string::npos);
        Seen const closed = feed("HTTP/1.1 200 OK\r\n\r\nabcde", how, true, false, limits);
        CHECK(closed.state == ResponseState::failed);
        CHECK(closed.error.find("exceeds the 4-byte limit") != std::string::npos);
        CHECK(feed("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd", how, false, false, limits).state ==
              ResponseState::complete);
    }
}

TEST_CASE("endless chunk extensions and trailers fail at the head limit") {
    ResponseLimits limits;
    limits.max_head_bytes = 100;
    std::string const ext = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;a=" + std::string(200, 'x') + "\r\n";
    std::string const trailer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: " + std::string(200, 'x') + "\r\n\r\n";
    for (Feed how : feeds) {
        CAPTURE(name(how));
        CHECK(feed(ext, how, false, false, limits).error.find("chunk extensions and trailers") != std::string::npos);
        CHECK(feed(trailer, how, false, false, limits).error.find("chunk extensions and trailers") != std::string::npos);
    }
}

TEST_CASE("a parser started again reads the next response on a kept connection") {
    ResponseParser parser;
    std::vector<std::string_view> pieces;
    std::string wire = std::string(content_length_response) + std::string(chunked_response);
    parser.start(false);
    REQUIRE(parser.parse(wire, pieces) == ResponseState::complete);
    wire.erase(0, parser.consumed());
    pieces.clear();
    parser.start(false);
    REQUIRE(parser.parse(wire, pieces) == ResponseState::complete);
    std::string body;
    for (auto p : pieces) body += p;
    CHECK(body == "hello, world");
    CHECK(parser.consumed() == wire.size());
}
