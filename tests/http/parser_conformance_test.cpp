// The parser's side of RFC 9112 and RFC 9110 that docs/conformance.md lists: each case names
// the section it shows, with the bytes on the wire spelled out. Every case is fed whole and one
// byte at a time (tests/support/parser_feed.hpp), so a verdict never depends on where a read
// ended. The same requests through a real socket are in server_conformance_test.cpp.
#include "http/parser.hpp"   // first: proves the header stands alone

#include <doctest/doctest.h>

#include "support/parser_feed.hpp"

using namespace parser_feed;

// ---------------------------------------------------------------- Host (RFC 9112 3.2)

TEST_CASE("RFC 9112 3.2: an HTTP/1.1 request without Host is 400") {
    check_refused("GET / HTTP/1.1\r\n\r\n"sv, 400, "missing Host header (HTTP/1.1 requires one)");
    check_refused("GET http://a/ HTTP/1.1\r\n\r\n"sv, 400, "missing Host header (HTTP/1.1 requires one)");
}

TEST_CASE("RFC 9112 3.2: more than one Host line is 400, in HTTP/1.0 too") {
    check_refused("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"sv, 400, "more than one Host header");
    check_refused("GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n"sv, 400, "more than one Host header");
    check_refused("GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n"sv, 400, "more than one Host header");
}

TEST_CASE("RFC 9112 3.2: a Host that is not uri-host [\":\" port] is 400") {
    for (auto bad : {"a b", "a/b", "a@b", "a:b", "a:80:80", "[::1", "[::1]x", "[zz]", "http://a", "a%zz"}) {
        INFO(bad);
        check_refused("GET / HTTP/1.1\r\nHost: " + std::string(bad) + "\r\n\r\n", 400, "invalid Host header");
    }
}

TEST_CASE("a Host just accepted does not let through an invalid one of the same length") {
    // The parser remembers the last valid Host to skip checking it again; the next request's
    // Host must still be compared whole, not by length or prefix.
    Run const good = run("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"sv, Feed::whole);
    REQUIRE(good.requests.size() == 1);
    check_refused("GET / HTTP/1.1\r\nHost: example com\r\n\r\n"sv, 400, "invalid Host header");
    check_refused("GET / HTTP/1.1\r\nHost: example.co/\r\n\r\n"sv, 400, "invalid Host header");
    Run const again = run("GET / HTTP/1.1\r\nHost: example.com\r\n\r\nGET / HTTP/1.1\r\nHost: exampl@.com\r\n\r\n"sv,
                          Feed::whole);
    CHECK(again.requests.size() == 1);
    REQUIRE(again.error);
    CHECK(again.error->message == "invalid Host header");
}

TEST_CASE("RFC 9110 7.2: names, IPv4, IPv6 literals, ports and an empty Host are accepted") {
    for (auto good : {"example.com", "example.com:8080", "127.0.0.1:80", "[::1]", "[::1]:8080", "a,b", "a:", ""}) {
        for (Feed feed : feeds) {
            INFO(good, " ", name(feed));
            Run const r = run("GET / HTTP/1.1\r\nHost: " + std::string(good) + "\r\n\r\n", feed);
            REQUIRE(r.requests.size() == 1);
            CHECK(r.requests[0].host == good);
        }
    }
}

TEST_CASE("RFC 9112 3.2: HTTP/1.0 may leave Host out; the request's host is then empty") {
    for (Feed feed : feeds) {
        Run const r = run("GET / HTTP/1.0\r\n\r\n"sv, feed);
        REQUIRE(r.requests.size() == 1);
        CHECK(r.requests[0].host.empty());
    }
}

// ---------------------------------------------------------------- request target (RFC 9112 3.2)

TEST_CASE("RFC 9112 3.2.2: with an absolute-form target the host is the target's, not Host's") {
    for (Feed feed : feeds) {
        Run const r = run("GET http://a:8080/x HTTP/1.1\r\nHost: b\r\n\r\n"sv, feed);
        REQUIRE(r.requests.size() == 1);
        CHECK(r.requests[0].host == "a:8080");
        CHECK(r.requests[0].path == "/x");
    }
    check_refused("GET http://user@a/ HTTP/1.1\r\nHost: a\r\n\r\n"sv, 400, "invalid host in absolute-form request target");
    check_refused("GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n"sv, 400, "invalid host in absolute-form request target");
}

TEST_CASE("RFC 9112 3.2: a target with a fragment is 400, not corrected and served") {
    check_refused("GET /a?x=1#top HTTP/1.1\r\nHost: t\r\n\r\n"sv, 400, "a fragment ('#') in the request target");
    check_refused("GET /json#frag HTTP/1.1\r\nHost: t\r\n\r\n"sv, 400, "a fragment ('#') in the request target");
}

TEST_CASE("RFC 9112 3.2.4: the asterisk target is for OPTIONS only") {
    check_refused("GET * HTTP/1.1\r\nHost: t\r\n\r\n"sv, 400, "the target '*' is only for OPTIONS");
    check_refused("POST * HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n"sv, 400, "the target '*' is only for OPTIONS");
    for (Feed feed : feeds) {
        Run const r = run("OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n"sv, feed);
        REQUIRE(r.requests.size() == 1);
        CHECK(r.requests[0].target == "*");
    }
}

// ---------------------------------------------------------------- message syntax (RFC 9112 2.2)

TEST_CASE("RFC 9112 2.2: empty lines (CRLF) before the request line are skipped") {
    for (Feed feed : feeds) {
        Run const r = run("\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n"sv, feed);
        REQUIRE(r.requests.size() == 1);
        CHECK(r.requests[0].path == "/");
    }
}

TEST_CASE("RFC 9112 2.2: a bare CR or LF before the request line is 400") {
    check_refused("\rGET / HTTP/1.1\r\nHost: t\r\n\r\n"sv, 400, "bare CR or LF before the request line");
    check_refused("\r\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n"sv, 400, "bare CR or LF before the request line");
    check_refused("\nGET / HTTP/1.1\r\nHost: t\r\n\r\n"sv, 400, "bare CR or LF before the request line");
}

// ---------------------------------------------------------------- framing (RFC 9112 6 and 7)

TEST_CASE("RFC 9112 6.1: Transfer-Encoding in an HTTP/1.0 request is faulty framing: 400") {
    check_refused("POST /echo HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"sv,
                  400, "Transfer-Encoding in an HTTP/1.0 request");
    // With a Content-Length too, llhttp refuses the pair first (RFC 9112 6.3, item 3).
    check_refused("POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nhello"sv, 400,
                  "Content-Length and Transfer-Encoding together");
}

TEST_CASE("RFC 9112 7.1: the bytes after a chunk's data must be CRLF") {
    check_refused("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloAB5\r\nworld\r\n0\r\n\r\n"sv,
                  400, "malformed request (HPE_STRICT: Expected CRLF after chunk)");
    check_refused("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\r0\r\n\r\n"sv,
                  400, "malformed request (HPE_STRICT: Expected CRLF after chunk)");
}

TEST_CASE("RFC 9112 2.2 and 7.1: a bare CR after a chunk size, or ending the trailers, is 400") {
    check_refused("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\r\n\r\n"sv, 400,
                  "malformed request (HPE_STRICT: Expected LF after chunk size)");
    check_refused("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\rGET / HTTP/1.1\r\nHost: t\r\n\r\n"sv,
                  400, "malformed request (HPE_STRICT: Expected LF after headers)");
}

TEST_CASE("RFC 9112 5.1 and 7.1.2: a trailer field name with whitespace before the colon is 400") {
    check_refused("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX : 1\r\n\r\n"sv, 400,
                  "invalid character in header");
}

TEST_CASE("RFC 9112 2.2 and 7.1.2: a bare LF ending the trailer section is 400 (a front end wanting CRLF reads on)") {
    check_refused("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\nGET / HTTP/1.1\r\nHost: t\r\n\r\n"sv,
                  400, "bare LF in the chunked body's framing or trailers");
    check_refused("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX: 1\r\n\n"sv, 400,
                  "bare LF in the chunked body's framing or trailers");
}

TEST_CASE("RFC 9112 7.1.1: an oversized chunk extension is 431 even when the whole message arrives at once") {
    std::string const wire = "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5;" + std::string(10'000, 'x') +
                             "\r\nhello\r\n0\r\n\r\n";
    check_refused(wire, 431, "chunk extensions and trailers exceed 8192 bytes");
}
