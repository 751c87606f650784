#include "parser.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace std::literals;
using tern::detail::ParseError;
using tern::detail::ParserLimits;
using tern::detail::ParseState;
using tern::detail::RequestData;
using tern::detail::RequestParser;

// Counts heap allocations, to prove that a warm parser allocates nothing per request.
namespace {
std::size_t allocations = 0;
}
void* operator new(std::size_t size) {
    ++allocations;
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc{};
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

enum class Feed { whole, byte_by_byte };
constexpr Feed feeds[] = {Feed::whole, Feed::byte_by_byte};

std::string name(Feed feed) { return feed == Feed::whole ? "fed whole" : "fed one byte at a time"; }

// One request as the server saw it, copied out of the views.
struct Seen {
    std::string method, target, raw_path, path, query, body;
    std::vector<std::pair<std::string, std::string>> headers;
    int http_major = 0;
    int http_minor = 0;
    bool keep_alive = false;
    bool expect_continue = false;
    std::size_t wire_size = 0;
    // What parse() and the accessors said at headers_complete.
    int headers_complete_count = 0;
    std::size_t received_at_head = 0;
    bool expects_continue_at_head = false;
    std::optional<std::size_t> content_length_at_head;
};

struct Run {
    std::vector<Seen> requests;
    std::optional<ParseError> error;
    std::size_t received_at_error = 0;   // bytes in the buffer when parse() failed
    std::size_t left_over = 0;           // bytes received but not part of a request
};

Seen copy(RequestData const& data, Seen seen) {
    seen.method = data.method;
    seen.target = data.target;
    seen.raw_path = data.raw_path;
    seen.path = data.path;
    seen.query = data.query_string;
    seen.body = data.body;
    for (auto const& h : data.headers) seen.headers.emplace_back(h.name, h.value);
    seen.http_major = data.http_major;
    seen.http_minor = data.http_minor;
    seen.keep_alive = data.keep_alive;
    seen.expect_continue = data.expect_continue;
    seen.wire_size = data.wire_size;
    return seen;
}

// Plays the connection: `wire` arrives whole or one byte at a time, the buffer is reallocated
// before every parse() (so ASan catches a pointer kept across calls), served requests are
// erased from its front, and it stops after a request that is not keep-alive, as a server does.
Run run(std::string_view wire, Feed feed, ParserLimits limits = {}) {
    RequestParser parser{limits};
    RequestData data;
    Run result;
    std::string buffer;
    std::size_t sent = 0;
    Seen seen;
    for (int step = 0;; ++step) {
        REQUIRE(step < 1'000'000);
        buffer = std::string(buffer.begin(), buffer.end());
        switch (parser.parse(buffer)) {
        case ParseState::need_more: {
            if (sent == wire.size()) {
                result.left_over = buffer.size();
                return result;
            }
            std::size_t const n = feed == Feed::whole ? wire.size() - sent : 1;
            buffer.append(wire.substr(sent, n));
            sent += n;
            break;
        }
        case ParseState::headers_complete:
            ++seen.headers_complete_count;
            seen.received_at_head = buffer.size();
            seen.expects_continue_at_head = parser.expects_continue();
            seen.content_length_at_head = parser.content_length();
            break;
        case ParseState::complete:
            parser.build(data, buffer);
            result.requests.push_back(copy(data, std::move(seen)));
            seen = {};
            buffer.erase(0, parser.message_size());
            if (!data.keep_alive) {
                result.left_over = buffer.size() + wire.size() - sent;
                return result;
            }
            parser.next();
            break;
        case ParseState::failed:
            result.error = parser.error();
            result.received_at_error = buffer.size();
            return result;
        }
    }
}

// Runs `wire` both ways and checks that it is refused with `status` and `message`.
void check_refused(std::string_view wire, int status, std::string_view message, ParserLimits limits = {}) {
    for (Feed feed : feeds) {
        INFO(name(feed));
        Run const r = run(wire, feed, limits);
        REQUIRE(r.error);
        CHECK(r.error->status == status);
        CHECK(r.error->message == message);
        CHECK(r.requests.empty());
    }
}

std::string repeat(std::string_view s, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
}

}  // namespace

// ---------------------------------------------------------------- well-formed requests

constexpr auto get_with_headers =
    "GET /hello?name=Ann HTTP/1.1\r\n"
    "Host: example.com\r\n"
    "User-Agent: wrk\r\n"
    "X-Spaced:   padded value \t\r\n"
    "X-Empty:\r\n"
    "X-Blank:   \r\n"
    "X-Inner: a\tb  c\r\n"
    "\r\n"sv;

TEST_CASE("a GET is split into method, target, path, query and headers in arrival order") {
    for (Feed feed : feeds) {
        INFO(name(feed));
        Run const r = run(get_with_headers, feed);
        REQUIRE(r.requests.size() == 1);
        Seen const& req = r.requests[0];
        CHECK(req.method == "GET");
        CHECK(req.target == "/hello?name=Ann");
        CHECK(req.raw_path == "/hello");
        CHECK(req.path == "/hello");
        CHECK(req.query == "name=Ann");
        CHECK(req.headers == decltype(req.headers){
            {"Host", "example.com"}, {"User-Agent", "wrk"}, {"X-Spaced", "padded value"}, {"X-Empty", ""},
            {"X-Blank", ""}, {"X-Inner", "a\tb  c"}});
        CHECK(req.body.empty());
        CHECK(req.http_major == 1);
        CHECK(req.http_minor == 1);
        CHECK(req.keep_alive);
        CHECK(req.wire_size == get_with_headers.size());
        CHECK(req.headers_complete_count == 1);
        CHECK(r.left_over == 0);
    }
}

constexpr auto post_with_length =
    "POST /echo HTTP/1.1\r\n"
    "Host: x\r\n"
    "Content-Length: 11\r\n"
    "\r\n"
    "hello world"sv;

TEST_CASE("a Content-Length body is the bytes after the head, announced at headers_complete") {
    for (Feed feed : feeds) {
        INFO(name(feed));
        Run const r = run(post_with_length, feed);
        REQUIRE(r.requests.size() == 1);
        CHECK(r.requests[0].method == "POST");
        CHECK(r.requests[0].body == "hello world");
        CHECK(r.requests[0].content_length_at_head == 11u);
        CHECK(r.requests[0].wire_size == post_with_length.size());
    }
}

constexpr auto chunked_with_extensions_and_trailers =
    "POST /upload HTTP/1.1\r\n"
    "Host: x\r\n"
    "Transfer-Encoding: chunked\r\n"
    "\r\n"
    "5;name=value\r\nhello\r\n"
    "1;flag\r\n \r\n"
    "5;q=\"a b\"\r\nworld\r\n"
    "0\r\n"
    "Checksum: abc\r\n"
    "\r\n"sv;

TEST_CASE("a chunked body is de-chunked, its extensions skipped and its trailers dropped") {
    for (Feed feed : feeds) {
        INFO(name(feed));
        Run const r = run(chunked_with_extensions_and_trailers, feed);
        REQUIRE(r.requests.size() == 1);
        CHECK(r.requests[0].body == "hello world");
        CHECK(r.requests[0].content_length_at_head == std::nullopt);
        CHECK(r.requests[0].headers.size() == 2);   // Host and Transfer-Encoding, not Checksum
        CHECK(r.requests[0].wire_size == chunked_with_extensions_and_trailers.size());
    }
}

constexpr auto one_chunk = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"sv;

TEST_CASE("a body in one piece is a view into the window, not a copy") {
    std::pair<std::string_view, std::string_view> const cases[] = {{one_chunk, "hello"},
                                                                   {post_with_length, "hello world"}};
    for (auto [wire, body] : cases) {
        RequestParser parser;
        RequestData data;
        REQUIRE(parser.parse(wire) == ParseState::headers_complete);
        REQUIRE(parser.parse(wire) == ParseState::complete);
        parser.build(data, wire);
        CHECK(data.body == body);
        CHECK(data.body.data() >= wire.data());
        CHECK(data.body.data() + data.body.size() <= wire.data() + wire.size());
    }
}

constexpr auto pipelined =
    "GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
    "POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
    "GET /three HTTP/1.1\r\nHost: x\r\n\r\n"sv;

TEST_CASE("three pipelined requests in one window complete one after the other with exact sizes") {
    for (Feed feed : feeds) {
        INFO(name(feed));
        Run const r = run(pipelined, feed);
        REQUIRE(r.requests.size() == 3);
        CHECK(r.requests[0].target == "/one");
        CHECK(r.requests[1].target == "/two");
        CHECK(r.requests[1].body == "abc");
        CHECK(r.requests[2].target == "/three");
        CHECK(r.requests[0].wire_size == 30);
        CHECK(r.requests[1].wire_size == 53);
        CHECK(r.requests[2].wire_size == 32);
        CHECK(30 + 53 + 32 == pipelined.size());
        for (auto const& req : r.requests) CHECK(req.headers_complete_count == 1);
        CHECK(r.left_over == 0);
    }
}

TEST_CASE("the parser keeps offsets, so the window may move between calls") {
    RequestParser parser;
    RequestData data;
    auto first = std::make_unique<std::string>(post_with_length.substr(0, 54));   // the head and "he"
    CHECK(parser.parse(*first) == ParseState::headers_complete);
    CHECK(parser.parse(*first) == ParseState::need_more);
    std::string const second{post_with_length};   // a different buffer holding the same bytes
    first.reset();                                // ASan reports any use of the old one
    CHECK(parser.parse(second) == ParseState::complete);
    parser.build(data, second);
    CHECK(data.target == "/echo");
    CHECK(data.headers[1].value == "11");
    CHECK(data.body == "hello world");
}

constexpr auto http10_plain = "GET /a HTTP/1.0\r\n\r\nGET /b HTTP/1.0\r\n\r\n"sv;
constexpr auto http10_keep_alive = "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /b HTTP/1.0\r\n\r\n"sv;
constexpr auto http11_close = "GET /a HTTP/1.1\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\n\r\n"sv;

TEST_CASE("HTTP/1.0 closes unless it asks for keep-alive, and HTTP/1.1 stays open unless it asks to close") {
    for (Feed feed : feeds) {
        INFO(name(feed));
        Run const plain = run(http10_plain, feed);
        REQUIRE(plain.requests.size() == 1);
        CHECK(plain.requests[0].http_minor == 0);
        CHECK_FALSE(plain.requests[0].keep_alive);
        CHECK(plain.left_over == 19);

        Run const kept = run(http10_keep_alive, feed);
        REQUIRE(kept.requests.size() == 2);
        CHECK(kept.requests[0].keep_alive);
        CHECK_FALSE(kept.requests[1].keep_alive);

        Run const closed = run(http11_close, feed);
        REQUIRE(closed.requests.size() == 1);
        CHECK_FALSE(closed.requests[0].keep_alive);
    }
}

constexpr auto absolute_form = "GET http://example.com/a/b?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n"sv;
constexpr auto absolute_form_no_path = "GET http://example.com?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n"sv;
constexpr auto fragment = "GET /a?x=1#top HTTP/1.1\r\n\r\n"sv;

TEST_CASE("an absolute-form target routes on its path, and a fragment is dropped") {
    for (Feed feed : feeds) {
        INFO(name(feed));
        Run const r = run(absolute_form, feed);
        REQUIRE(r.requests.size() == 1);
        CHECK(r.requests[0].target == "http://example.com/a/b?x=1");
        CHECK(r.requests[0].raw_path == "/a/b");
        CHECK(r.requests[0].path == "/a/b");
        CHECK(r.requests[0].query == "x=1");

        Run const bare = run(absolute_form_no_path, feed);
        REQUIRE(bare.requests.size() == 1);
        CHECK(bare.requests[0].raw_path == "/");
        CHECK(bare.requests[0].query == "x=1");

        Run const frag = run(fragment, feed);
        REQUIRE(frag.requests.size() == 1);
        CHECK(frag.requests[0].path == "/a");
        CHECK(frag.requests[0].query == "x=1");
    }
}

constexpr auto expect_continue =
    "PUT /file HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\nContent-Length: 4\r\n\r\n"sv;
constexpr auto expect_continue_http10 = "PUT /file HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"sv;

TEST_CASE("Expect: 100-continue is reported at headers_complete, before any body byte arrives") {
    std::string const wire = std::string{expect_continue} + "data";
    for (Feed feed : feeds) {
        INFO(name(feed));
        Run const r = run(wire, feed);
        REQUIRE(r.requests.size() == 1);
        CHECK(r.requests[0].expects_continue_at_head);
        CHECK(r.requests[0].expect_continue);
        CHECK(r.requests[0].body == "data");
        if (feed == Feed::byte_by_byte) CHECK(r.requests[0].received_at_head == expect_continue.size());

        Run const old = run(std::string{expect_continue_http10} + "data", feed);
        REQUIRE(old.requests.size() == 1);
        CHECK_FALSE(old.requests[0].expects_continue_at_head);   // RFC 9110 10.1.1: ignored from HTTP/1.0
    }
}

constexpr auto encoded_path = "GET /a%20b/c%2Fd/caf%C3%A9+x?q=a%20b HTTP/1.1\r\n\r\n"sv;

TEST_CASE("the path is percent-decoded, and the raw path and query are kept as sent") {
    for (Feed feed : feeds) {
        INFO(name(feed));
        Run const r = run(encoded_path, feed);
        REQUIRE(r.requests.size() == 1);
        CHECK(r.requests[0].raw_path == "/a%20b/c%2Fd/caf%C3%A9+x");
        CHECK(r.requests[0].path == "/a b/c/d/caf\xC3\xA9+x");
        CHECK(r.requests[0].query == "q=a%20b");
    }
}

constexpr auto leading_empty_line = "\r\nGET / HTTP/1.1\r\n\r\n"sv;

TEST_CASE("an empty line before a request is skipped and counted in its size") {
    for (Feed feed : feeds) {
        INFO(name(feed));
        Run const r = run(leading_empty_line, feed);
        REQUIRE(r.requests.size() == 1);
        CHECK(r.requests[0].wire_size == leading_empty_line.size());
    }
}

constexpr auto websocket_upgrade =
    "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
    "\x81\x05hello"sv;

TEST_CASE("an upgrade request completes at the end of its head, leaving the new protocol's bytes") {
    RequestParser parser;
    CHECK(parser.parse(websocket_upgrade) == ParseState::headers_complete);
    CHECK(parser.upgrade());
    CHECK(parser.parse(websocket_upgrade) == ParseState::complete);
    CHECK(parser.message_size() == websocket_upgrade.size() - 7);
}

TEST_CASE("a warm parser allocates nothing per request") {
    std::string const window = repeat(pipelined, 50) + repeat(chunked_with_extensions_and_trailers, 2) +
                               std::string{encoded_path};
    RequestParser parser;
    RequestData data;
    auto serve_all = [&] {
        std::string_view rest = window;
        int served = 0;
        while (!rest.empty()) {
            ParseState state = parser.parse(rest);
            if (state == ParseState::headers_complete) state = parser.parse(rest);
            REQUIRE(state == ParseState::complete);
            parser.build(data, rest);
            rest.remove_prefix(parser.message_size());
            parser.next();
            ++served;
        }
        return served;
    };
    std::size_t const cold = allocations;
    serve_all();
    CHECK(allocations > cold);   // the counter works: the first round grows the vectors
    std::size_t const before = allocations;
    CHECK(serve_all() == 153);
    CHECK(allocations == before);
}

// ---------------------------------------------------------------- refused requests

TEST_CASE("Content-Length with Transfer-Encoding is refused in either order (request smuggling)") {
    check_refused("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"sv,
                  400, "Content-Length and Transfer-Encoding together");
    check_refused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n"sv,
                  400, "Content-Length and Transfer-Encoding together");
}

TEST_CASE("a second Content-Length is refused, even with the same value (llhttp allows only one)") {
    check_refused("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"sv, 400,
                  "duplicate Content-Length");
    check_refused("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc"sv, 400,
                  "duplicate Content-Length");
}

TEST_CASE("a malformed Content-Length is refused") {
    check_refused("POST / HTTP/1.1\r\nContent-Length: +3\r\n\r\nabc"sv, 400, "invalid Content-Length");
    check_refused("POST / HTTP/1.1\r\nContent-Length: 3 4\r\n\r\nabc"sv, 400, "invalid Content-Length");
    check_refused("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n"sv, 400,
                  "invalid Content-Length");
}

TEST_CASE("a chunk size that is not hex, or overflows, is refused") {
    check_refused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"sv, 400, "invalid chunk size");
    check_refused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n"sv, 400,
                  "invalid chunk size");
    check_refused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3 \r\nabc\r\n0\r\n\r\n"sv, 400,
                  "invalid chunk size");
}

TEST_CASE("llhttp 8.1 refuses a chunk with several extensions that have values") {
    check_refused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;a=b;c=d\r\nabc\r\n0\r\n\r\n"sv, 400,
                  "invalid chunk size");
}

TEST_CASE("a Transfer-Encoding whose last coding is not chunked is refused with 400") {
    char const* const message = "invalid Transfer-Encoding: chunked must be the last coding, once";
    check_refused("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\nabc"sv, 400, message);
    check_refused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"sv, 400, message);
    check_refused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"sv,
                  400, message);
}

TEST_CASE("a transfer coding before chunked is refused with 501, since tern decodes none") {
    check_refused("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"sv, 501,
                  "Transfer-Encoding 'gzip, chunked' is not supported");
}

TEST_CASE("a header name with whitespace or other non-token bytes is refused") {
    check_refused("POST / HTTP/1.1\r\nContent-Length : 3\r\n\r\nabc"sv, 400, "invalid character in header");
    check_refused("GET / HTTP/1.1\r\nHo st: x\r\n\r\n"sv, 400, "invalid header name");
    check_refused("GET / HTTP/1.1\r\n: x\r\n\r\n"sv, 400, "invalid header name");
    check_refused("GET / HTTP/1.1\r\nHost\t: x\r\n\r\n"sv, 400, "invalid character in header");
}

TEST_CASE("a bare LF ending the request line or the head is refused") {
    check_refused("GET / HTTP/1.1\nHost: x\r\n\r\n"sv, 400, "bare LF in request head");
    check_refused("GET / HTTP/1.1\r\nHost: x\r\n\n"sv, 400, "bare LF in request head");
    check_refused("GET / HTTP/1.1\n\n"sv, 400, "bare LF in request head");
    check_refused("GET / HTTP/1.1\r\n\n"sv, 400, "bare LF in request head");
}

TEST_CASE("a bare LF or bare CR inside a header line is refused") {
    check_refused("GET / HTTP/1.1\r\nHost: x\nX: y\r\n\r\n"sv, 400, "invalid character in header");
    check_refused("GET / HTTP/1.1\r\nHost: x\rX: y\r\n\r\n"sv, 400, "line not ended by CRLF");
}

TEST_CASE("obsolete line folding is refused") {
    check_refused("GET / HTTP/1.1\r\nX-Long: a\r\n b\r\n\r\n"sv, 400, "obsolete line folding in header");
    check_refused("GET / HTTP/1.1\r\nX-Long: a\r\n\tb\r\n\r\n"sv, 400, "obsolete line folding in header");
    check_refused("GET / HTTP/1.1\r\nX-Long:\r\n b\r\n\r\n"sv, 400, "obsolete line folding in header");
}

TEST_CASE("a NUL byte in a header or in the target is refused") {
    check_refused("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n"sv, 400, "invalid character in header");
    check_refused("GET / HTTP/1.1\r\nX\0Y: a\r\n\r\n"sv, 400, "invalid character in header");
    check_refused("GET /a\0b HTTP/1.1\r\n\r\n"sv, 400, "invalid character in request target");
}

TEST_CASE("a malformed or NUL percent-escape in the path is refused") {
    check_refused("GET /a%zz HTTP/1.1\r\n\r\n"sv, 400, "malformed percent-escape in path");
    check_refused("GET /a%4 HTTP/1.1\r\n\r\n"sv, 400, "malformed percent-escape in path");
    check_refused("GET /a%00b HTTP/1.1\r\n\r\n"sv, 400, "malformed percent-escape in path");
}

TEST_CASE("a target that is neither a path, an absolute URL nor '*' is refused") {
    check_refused("GET example.com/a HTTP/1.1\r\n\r\n"sv, 400, "invalid character in request target");
}

TEST_CASE("HTTP versions other than 1.0 and 1.1 are refused with 505") {
    check_refused("GET / HTTP/2.0\r\n\r\n"sv, 505, "HTTP/2.0 is not supported");
    check_refused("GET / HTTP/0.9\r\n\r\n"sv, 505, "HTTP/0.9 is not supported");
    check_refused("GET / HTTP/1.2\r\n\r\n"sv, 505, "unsupported HTTP version");
    check_refused("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"sv, 505, "HTTP/2 is not supported");
}

TEST_CASE("a request line that does not say HTTP/ is refused with 400") {
    for (Feed feed : feeds) {
        Run const r = run("GET / HTTX/1.1\r\n\r\n"sv, feed);
        REQUIRE(r.error);
        CHECK(r.error->status == 400);
    }
}

TEST_CASE("unknown and lower-case methods are refused with 400, and CONNECT with 501") {
    check_refused("BREW /pot HTTP/1.1\r\n\r\n"sv, 400, "unknown or malformed method");
    check_refused("get / HTTP/1.1\r\n\r\n"sv, 400, "unknown or malformed method");
    check_refused("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"sv, 501,
                  "CONNECT is not supported");
}

// ---------------------------------------------------------------- limits

TEST_CASE("a request line at the limit is accepted and one byte longer is 414") {
    ParserLimits const limits{.max_request_line = 64};
    std::string const fits = "GET /" + std::string(64 - 14, 'a') + " HTTP/1.1\r\n\r\n";
    std::string const too_long = "GET /" + std::string(64 - 13, 'a') + " HTTP/1.1\r\n\r\n";
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

TEST_CASE("a head of exactly max_header_bytes is accepted and one byte more is 431") {
    ParserLimits const limits{.max_header_bytes = 128};
    constexpr auto start = "GET / HTTP/1.1\r\nX: "sv;   // then the value, "\r\n\r\n"
    std::string const fits = std::string{start} + std::string(128 - start.size() - 4, 'v') + "\r\n\r\n";
    std::string const too_big = std::string{start} + std::string(128 - start.size() - 3, 'v') + "\r\n\r\n";
    REQUIRE(fits.size() == 128);
    for (Feed feed : feeds) {
        INFO(name(feed));
        CHECK(run(fits, feed, limits).requests.size() == 1);
    }
    check_refused(too_big, 431, "request headers exceed 128 bytes", limits);
}

TEST_CASE("endless headers fail as soon as the limit is reached, even mid-header") {
    ParserLimits const limits{.max_header_bytes = 256};
    std::string const many_headers = "GET / HTTP/1.1\r\n" + repeat("X-Filler: 0123456789\r\n", 500);
    std::string const endless_whitespace = "GET / HTTP/1.1\r\nX:" + std::string(5000, ' ');
    for (std::string const& wire : {many_headers, endless_whitespace}) {
        check_refused(wire, 431, "request headers exceed 256 bytes", limits);
        CHECK(run(wire, Feed::byte_by_byte, limits).received_at_error == 256);
    }
}

TEST_CASE("more than max_header_count headers is 431") {
    std::string const hundred = "GET / HTTP/1.1\r\n" + repeat("A: b\r\n", 100) + "\r\n";
    std::string const hundred_and_one = "GET / HTTP/1.1\r\n" + repeat("A: b\r\n", 101) + "\r\n";
    for (Feed feed : feeds) {
        INFO(name(feed));
        CHECK(run(hundred, feed).requests.size() == 1);
    }
    check_refused(hundred_and_one, 431, "more than 100 header fields");
}

TEST_CASE("a Content-Length over max_body is 413 at the end of the head, before any body byte") {
    constexpr auto head = "POST /upload HTTP/1.1\r\nContent-Length: 1048577\r\n\r\n"sv;
    check_refused(head, 413, "request body of 1048577 bytes exceeds the 1048576-byte limit");
    CHECK(run(head, Feed::byte_by_byte).received_at_error == head.size());

    ParserLimits const limits{.max_body = 11};
    for (Feed feed : feeds) CHECK(run(post_with_length, feed, limits).requests.size() == 1);
}

TEST_CASE("a chunked body over max_body is 413 at the chunk size that passes the limit") {
    ParserLimits const limits{.max_body = 10};
    constexpr auto head = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"sv;
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
    constexpr auto head = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"sv;
    std::string const zeros = std::string{head} + std::string(2000, '0');
    std::string const extension = std::string{head} + "1;ext=" + std::string(2000, 'x');
    for (std::string const& wire : {zeros, extension}) {
        check_refused(wire, 431, "chunk extensions and trailers exceed 256 bytes", limits);
        CHECK(run(wire, Feed::byte_by_byte, limits).received_at_error <= head.size() + 256 + 1);
    }
}

TEST_CASE("more trailer fields than max_header_count is 431") {
    ParserLimits const limits{.max_header_count = 3};
    std::string const wire = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + repeat("T: v\r\n", 4) + "\r\n";
    check_refused(wire, 431, "more than 3 trailer fields", limits);
}

// Found by tests/fuzz/fuzz_parser (saved as tests/fuzz/regressions/fuzz_parser-bare-cr-ends-head):
// llhttp 8.1 lets a lone CR end an empty header value and the head, so one read holding both
// could be taken for two requests where a proxy in front sees one.
constexpr std::string_view bare_cr_smuggled = "GET / HTTP/1.1\r\nX:\r\r\r\rGET /smuggled HTTP/1.1\r\n\r\n";
constexpr std::string_view bare_cr_head_end = "GET / HTTP/1.1\r\nX:\r\r\n\r\n";

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
