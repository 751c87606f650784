#include "http/parser.hpp"   // first: proves the header stands alone

#include <doctest/doctest.h>

#include "support/parser_feed.hpp"

using namespace parser_feed;

constexpr auto post_with_length =
    "POST /echo HTTP/1.1\r\n"
    "Host: x\r\n"
    "Content-Length: 11\r\n"
    "\r\n"
    "hello world"sv;

// ---------------------------------------------------------------- limits

TEST_CASE("a request line at the limit is accepted and one byte longer is 414") {
    ParserLimits const limits{.max_request_line = 64};
    std::string const fits = "GET /" + std::string(64 - 14, 'a') + " HTTP/1.1\r\nHost: t\r\n\r\n";
    std::string const too_long = "GET /" + std::string(64 - 13, 'a') + " HTTP/1.1\r\nHost: t\r\n\r\n";
    for (Feed feed : feeds) {
        INFO(name(feed));
        CHECK(run(fits, feed, limits).requests.size() == 1);
    }
    check_refused(too_long, 414, "request line exceeds 64 bytes", limits);
}

TEST_CASE("an endless request line fails at the limit, before the buffer grows past it") {
    std::string const endless = "GET /" + std::string(20'000, 'a');
    check_refused(endless, 414, "request line exceeds 8192 bytes");
    Run const r = run(endless, Feed::byte_by_byte);
    CHECK(r.received_at_error <= 8192 + 2);
}

// max_header_bytes counts the header fields and the blank line, after the request line, which
// has its own limit (RFC 9112 3 recommends 8000-octet request lines).
TEST_CASE("header fields of exactly max_header_bytes are accepted and one byte more is 431, naming the field") {
    ParserLimits const limits{.max_header_bytes = 128};
    constexpr auto line = "GET / HTTP/1.1\r\n"sv;
    constexpr auto start = "Host: t\r\nX: "sv;   // then the value, "\r\n\r\n"
    std::string const fits = std::string{line} + std::string{start} + std::string(128 - start.size() - 4, 'v') + "\r\n\r\n";
    std::string const too_big = std::string{line} + std::string{start} + std::string(128 - start.size() - 3, 'v') + "\r\n\r\n";
    REQUIRE(fits.size() == line.size() + 128);
    for (Feed feed : feeds) {
        INFO(name(feed));
        CHECK(run(fits, feed, limits).requests.size() == 1);
    }
    check_refused(too_big, 431, "request headers exceed 128 bytes (at field 'X')", limits);
}

TEST_CASE("an 8000-byte request line is served with the usual headers beside it") {
    std::string const wire = "GET /" + std::string(7990, 'a') + " HTTP/1.1\r\nHost: t\r\nUser-Agent: " +
                             std::string(380, 'u') + "\r\nCookie: " + std::string(6000, 'c') + "\r\n\r\n";
    for (Feed feed : feeds) {
        INFO(name(feed));
        Run const r = run(wire, feed);
        REQUIRE(r.requests.size() == 1);
        CHECK(r.requests[0].path.size() == 7991);
    }
}

TEST_CASE("endless headers fail as soon as the limit is reached, even mid-header") {
    ParserLimits const limits{.max_header_bytes = 256};
    constexpr std::size_t line = "GET / HTTP/1.1\r\n"sv.size();
    std::string const many_headers = "GET / HTTP/1.1\r\nHost: t\r\n" + repeat("X-Filler: 0123456789\r\n", 500);
    std::string const endless_whitespace = "GET / HTTP/1.1\r\nHost: t\r\nX:" + std::string(5000, ' ');
    check_refused(many_headers, 431, "request headers exceed 256 bytes (at field 'X-Fil')", limits);
    check_refused(endless_whitespace, 431, "request headers exceed 256 bytes (at field 'X')", limits);
    for (std::string const& wire : {many_headers, endless_whitespace}) {
        CHECK(run(wire, Feed::byte_by_byte, limits).received_at_error == line + 256);
    }
}

TEST_CASE("more than max_header_count headers is 431") {
    // Host and 99 more is 100 fields.
    std::string const hundred = "GET / HTTP/1.1\r\nHost: t\r\n" + repeat("A: b\r\n", 99) + "\r\n";
    std::string const hundred_and_one = "GET / HTTP/1.1\r\nHost: t\r\n" + repeat("A: b\r\n", 100) + "\r\n";
    for (Feed feed : feeds) {
        INFO(name(feed));
        CHECK(run(hundred, feed).requests.size() == 1);
    }
    check_refused(hundred_and_one, 431, "more than 100 header fields");
}

TEST_CASE("a Content-Length over max_body is 413 at the end of the head, before any body byte") {
    constexpr auto head = "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 1048577\r\n\r\n"sv;
    check_refused(head, 413, "request body of 1048577 bytes exceeds the 1048576-byte limit");
    CHECK(run(head, Feed::byte_by_byte).received_at_error == head.size());

    ParserLimits const limits{.max_body = 11};
    for (Feed feed : feeds) CHECK(run(post_with_length, feed, limits).requests.size() == 1);
}

TEST_CASE("a chunked body over max_body is 413 at the chunk size that passes the limit") {
    ParserLimits const limits{.max_body = 10};
    constexpr auto head = "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"sv;
    constexpr auto first = "6\r\nabcdef\r\n"sv;
    constexpr auto second = "5\r\n"sv;
    std::string const wire = std::string{head} + std::string{first} + std::string{second} + "ghijk\r\n0\r\n\r\n";
    check_refused(wire, 413, "chunked request body exceeds the 10-byte limit", limits);
    Run const r = run(wire, Feed::byte_by_byte, limits);
    CHECK(r.received_at_error == head.size() + first.size() + second.size());

    std::string const fits = std::string{head} + std::string{first} + "4\r\nghij\r\n0\r\n\r\n";
    for (Feed feed : feeds) CHECK(run(fits, feed, limits).requests.size() == 1);
}

TEST_CASE("endless chunk framing, such as leading zeros or a long extension, is 431") {
    ParserLimits const limits{.max_header_bytes = 256};
    constexpr auto head = "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"sv;
    std::string const zeros = std::string{head} + std::string(2000, '0');
    std::string const extension = std::string{head} + "1;ext=" + std::string(2000, 'x');
    for (std::string const& wire : {zeros, extension}) {
        check_refused(wire, 431, "chunk extensions and trailers exceed 256 bytes", limits);
        // The limit plus the 16 bytes allowed for the chunk whose size line is still arriving.
        CHECK(run(wire, Feed::byte_by_byte, limits).received_at_error <= head.size() + 256 + 16 + 1);
    }
}

TEST_CASE("more trailer fields than max_header_count is 431") {
    ParserLimits const limits{.max_header_count = 3};
    std::string const wire = "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + repeat("T: v\r\n", 4) + "\r\n";
    check_refused(wire, 431, "more than 3 trailer fields", limits);
}

// Found by tests/fuzz/fuzz_parser (saved as tests/fuzz/regressions/fuzz_parser-bare-cr-ends-head):
