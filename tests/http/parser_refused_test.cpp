#include "http/parser.hpp"   // first: proves the header stands alone

#include <doctest/doctest.h>

#include "support/parser_feed.hpp"

using namespace parser_feed;

// ---------------------------------------------------------------- refused requests

TEST_CASE("Content-Length with Transfer-Encoding is refused in either order (request smuggling)") {
    check_refused("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"sv,
                  400, "Content-Length and Transfer-Encoding together");
    check_refused("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n"sv,
                  400, "Content-Length and Transfer-Encoding together");
}

TEST_CASE("a second Content-Length is refused, even with the same value (llhttp allows only one)") {
    check_refused("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"sv, 400,
                  "duplicate Content-Length");
    check_refused("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc"sv, 400,
                  "duplicate Content-Length");
}

TEST_CASE("a malformed Content-Length is refused") {
    check_refused("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: +3\r\n\r\nabc"sv, 400, "invalid Content-Length");
    check_refused("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3 4\r\n\r\nabc"sv, 400, "invalid Content-Length");
    check_refused("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999999999999999999\r\n\r\n"sv, 400,
                  "invalid Content-Length");
}

TEST_CASE("a chunk size that is not hex, or overflows, is refused") {
    check_refused("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"sv, 400, "invalid chunk size");
    check_refused("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n"sv, 400,
                  "invalid chunk size");
    check_refused("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3 \r\nabc\r\n0\r\n\r\n"sv, 400,
                  "invalid chunk size");
}

TEST_CASE("llhttp 8.1 refuses a chunk with several extensions that have values") {
    check_refused("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3;a=b;c=d\r\nabc\r\n0\r\n\r\n"sv, 400,
                  "invalid chunk size");
}

TEST_CASE("a Transfer-Encoding whose last coding is not chunked is refused with 400") {
    char const* const message = "invalid Transfer-Encoding: chunked must be the last coding, once";
    check_refused("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\nabc"sv, 400, message);
    check_refused("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"sv, 400, message);
    check_refused("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"sv,
                  400, message);
}

TEST_CASE("a transfer coding before chunked is refused with 501, since tern decodes none") {
    check_refused("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"sv, 501,
                  "Transfer-Encoding 'gzip, chunked' is not supported");
}

TEST_CASE("a header name with whitespace or other non-token bytes is refused") {
    check_refused("POST / HTTP/1.1\r\nHost: t\r\nContent-Length : 3\r\n\r\nabc"sv, 400, "invalid character in header");
    check_refused("GET / HTTP/1.1\r\nHost: t\r\nHo st: x\r\n\r\n"sv, 400, "invalid character in header");
    check_refused("GET / HTTP/1.1\r\nHost: t\r\n: x\r\n\r\n"sv, 400, "invalid header name");
    check_refused("GET / HTTP/1.1\r\nHost: t\r\nHost\t: x\r\n\r\n"sv, 400, "invalid character in header");
}

TEST_CASE("a bare LF ending the request line or the head is refused") {
    check_refused("GET / HTTP/1.1\nHost: x\r\n\r\n"sv, 400, "bare LF in request head");
    check_refused("GET / HTTP/1.1\r\nHost: x\r\n\n"sv, 400, "bare LF in request head");
    check_refused("GET / HTTP/1.1\n\n"sv, 400, "bare LF in request head");
    check_refused("GET / HTTP/1.1\r\nHost: t\r\n\n"sv, 400, "bare LF in request head");
}

TEST_CASE("a bare LF or bare CR inside a header line is refused") {
    check_refused("GET / HTTP/1.1\r\nHost: x\nX: y\r\n\r\n"sv, 400, "invalid character in header");
    check_refused("GET / HTTP/1.1\r\nHost: x\rX: y\r\n\r\n"sv, 400, "line not ended by CRLF");
}

TEST_CASE("obsolete line folding is refused") {
    check_refused("GET / HTTP/1.1\r\nHost: t\r\nX-Long: a\r\n b\r\n\r\n"sv, 400, "obsolete line folding in header");
    check_refused("GET / HTTP/1.1\r\nHost: t\r\nX-Long: a\r\n\tb\r\n\r\n"sv, 400, "obsolete line folding in header");
    check_refused("GET / HTTP/1.1\r\nHost: t\r\nX-Long:\r\n b\r\n\r\n"sv, 400, "obsolete line folding in header");
}

TEST_CASE("a NUL byte in a header or in the target is refused") {
    check_refused("GET / HTTP/1.1\r\nHost: t\r\nX: a\0b\r\n\r\n"sv, 400, "invalid character in header");
    check_refused("GET / HTTP/1.1\r\nHost: t\r\nX\0Y: a\r\n\r\n"sv, 400, "invalid character in header");
    check_refused("GET /a\0b HTTP/1.1\r\nHost: t\r\n\r\n"sv, 400, "invalid character in request target");
}

TEST_CASE("a malformed or NUL percent-escape in the path is refused") {
    check_refused("GET /a%zz HTTP/1.1\r\nHost: t\r\n\r\n"sv, 400, "malformed percent-escape in path");
    check_refused("GET /a%4 HTTP/1.1\r\nHost: t\r\n\r\n"sv, 400, "malformed percent-escape in path");
    check_refused("GET /a%00b HTTP/1.1\r\nHost: t\r\n\r\n"sv, 400, "malformed percent-escape in path");
}

TEST_CASE("a target that is neither a path, an absolute URL nor '*' is refused") {
    check_refused("GET example.com/a HTTP/1.1\r\nHost: t\r\n\r\n"sv, 400, "invalid character in request target");
}

// RFC 9110 6.2: a server may refuse another major version with 505, and says which it speaks.
TEST_CASE("HTTP versions of another major than 1 are refused with 505, naming the versions served") {
    check_refused("GET / HTTP/2.0\r\nHost: t\r\n\r\n"sv, 505, "HTTP/2.0 is not supported: this server speaks HTTP/1.0 and HTTP/1.1");
    check_refused("GET / HTTP/0.9\r\n\r\n"sv, 505, "HTTP/0.9 is not supported: this server speaks HTTP/1.0 and HTTP/1.1");
    check_refused("GET / HTTP/3.0\r\nHost: t\r\n\r\n"sv, 505, "HTTP/3.0 is not supported: this server speaks HTTP/1.0 and HTTP/1.1");
    check_refused("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"sv, 505, "HTTP/2 is not supported: this server speaks HTTP/1.0 and HTTP/1.1");
}

// RFC 9110 2.5: a later minor version of a major the server speaks is served as the highest
// minor it speaks.
TEST_CASE("HTTP/1.2 and HTTP/1.9 are served as HTTP/1.1") {
    for (auto wire : {"GET / HTTP/1.2\r\nHost: t\r\n\r\n"sv, "GET / HTTP/1.9\r\nHost: t\r\n\r\n"sv}) {
        for (Feed feed : feeds) {
            INFO(name(feed), " ", wire);
            Run const r = run(wire, feed);
            REQUIRE(r.requests.size() == 1);
            CHECK(r.requests[0].http_major == 1);
            CHECK(r.requests[0].http_minor == 1);
            CHECK(r.requests[0].keep_alive);
        }
    }
}

// RFC 9112 2.3: HTTP-version is "HTTP/" DIGIT "." DIGIT; anything else is a syntax error (400),
// not a version to refuse (505).
TEST_CASE("a malformed HTTP version is 400, not 505") {
    check_refused("GET / HTTP/1\r\nHost: t\r\n\r\n"sv, 400, "malformed HTTP version");
    check_refused("GET / HTTP/1.10\r\nHost: t\r\n\r\n"sv, 400, "malformed HTTP version");
    check_refused("GET / HTTP/01.1\r\nHost: t\r\n\r\n"sv, 400, "malformed HTTP version");
    check_refused("GET / HTTP/1.1 \r\nHost: t\r\n\r\n"sv, 400, "malformed HTTP version");
    check_refused("GET / HTTP/1.1\rHost: t\r\n\r\n"sv, 400, "malformed HTTP version");
}

TEST_CASE("a request line that does not say HTTP/ is refused with 400") {
    for (Feed feed : feeds) {
        Run const r = run("GET / HTTX/1.1\r\n\r\n"sv, feed);
        REQUIRE(r.error);
        CHECK(r.error->status == 400);
    }
}

// RFC 9110 9.1: methods are case-sensitive; an unknown one is 501 (15.6.2), bytes that are no
// method at all are 400.
TEST_CASE("unknown and lower-case methods are 501, a malformed method 400, and CONNECT 501") {
    check_refused("BREW /pot HTTP/1.1\r\nHost: t\r\n\r\n"sv, 501, "unknown method: not implemented by this server");
    check_refused("get / HTTP/1.1\r\nHost: t\r\n\r\n"sv, 501, "unknown method: not implemented by this server");
    check_refused(std::string(300, 'A') + " / HTTP/1.1\r\nHost: t\r\n\r\n", 501,
                  "unknown method: not implemented by this server");
    check_refused("\tGET / HTTP/1.1\r\nHost: t\r\n\r\n"sv, 400, "malformed method");
    check_refused("G(ET / HTTP/1.1\r\nHost: t\r\n\r\n"sv, 400, "malformed method");
    check_refused("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"sv, 501,
                  "CONNECT is not supported");
}

// llhttp 8.1 lets a lone CR end an empty header value and the head, so one read holding both
// could be taken for two requests where a proxy in front sees one.
constexpr std::string_view bare_cr_smuggled = "GET / HTTP/1.1\r\nHost: t\r\nX:\r\r\r\rGET /smuggled HTTP/1.1\r\nHost: t\r\n\r\n";
constexpr std::string_view bare_cr_head_end = "GET / HTTP/1.1\r\nHost: t\r\nX:\r\r\n\r\n";

TEST_CASE("a bare CR ending an empty header value or the head is refused (request smuggling)") {
    for (auto wire : {bare_cr_smuggled, bare_cr_head_end}) {
        for (Feed feed : feeds) {
            INFO(name(feed));
            Run const r = run(wire, feed);
            REQUIRE(r.error);
            CHECK(r.error->status == 400);
            CHECK(r.requests.empty());
        }
    }
}
