// The rows of docs/conformance.md that no other test shows, through a real socket with the
// bytes on the wire spelled out. Some pin a choice or a known limit rather than a requirement
// (llhttp 8.1's chunk extensions, OPTIONS *, Retry-After): the doc says why, and a change of
// behaviour must change the doc too. Refusals here are checked as server_conformance_test.cpp
// does: the answer announces the close, and nothing pipelined behind it is answered.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <regex>
#include <string>
#include <string_view>

#include <tern/tern.hpp>

#include "support/http_client.hpp"
#include "support/pipelined.hpp"

using namespace std::chrono_literals;
using tern::testing::RawClient;
using tern::testing::TestServer;
using tern::testing::WireResponse;
using tern::testing::pipelined_get;
using tern::testing::refused_before_pipelined;
using tern::testing::served_then_pipelined;

namespace {

constexpr std::string_view chunked_head = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";

tern::Task<tern::Response> ok(tern::Request&) { co_return tern::Response::text("ok"); }

struct RowsApp {
    tern::App app;
    std::atomic<int> counted = 0;
    RowsApp() {
        app.get("/", ok);
        app.get("/x-header", [](tern::Request& req) -> tern::Task<tern::Response> {
            co_return tern::Response::text(std::string(req.header("X")));
        });
        app.get("/path/{rest:path}", [](tern::Request& req) -> tern::Task<tern::Response> {
            co_return tern::Response::text(std::string(req.path()));
        });
        app.get("/page", [](tern::Request&) -> tern::Task<tern::Response> {
            co_return tern::Response::html("<p>page</p>").header("X-Custom", "1");
        });
        app.post("/echo", [](tern::Request& req) -> tern::Task<tern::Response> {
            co_return tern::Response::text(std::string(req.body()));
        });
        app.post("/header-names", [](tern::Request& req) -> tern::Task<tern::Response> {
            std::string names;
            for (auto const& h : req.headers()) names += std::string(h.name) + ",";
            co_return tern::Response::text(names);
        });
        app.get("/count", [this](tern::Request&) -> tern::Task<tern::Response> {
            ++counted;
            co_return tern::Response::text("counted");
        });
        app.get("/status", [](tern::Request& req) -> tern::Task<tern::Response> {
            co_return tern::Response::text("s").status(std::stoi(std::string(req.query("code"))));
        });
        app.get("/no-content", [](tern::Request&) -> tern::Task<tern::Response> {
            co_return tern::Response::text("dropped").status(204);
        });
        app.get("/not-modified", [](tern::Request&) -> tern::Task<tern::Response> {
            co_return tern::Response::text("dropped").status(304);
        });
        app.get("/own-framing", [](tern::Request& req) -> tern::Task<tern::Response> {
            co_return tern::Response::text("x").header(req.query("name"), "5");
        });
    }
};

// The exact bytes the server writes: everything until it closes, or until nothing more has
// come for `quiet`. For the few rows about the bytes themselves (status line, Date, framing).
class WireBytes {
public:
    explicit WireBytes(std::uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        REQUIRE(fd_ >= 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    }
    ~WireBytes() { ::close(fd_); }
    WireBytes(WireBytes const&) = delete;
    WireBytes& operator=(WireBytes const&) = delete;

    void send(std::string_view bytes) {
        REQUIRE(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size()));
    }
    std::string read(std::chrono::milliseconds quiet = 2000ms) {
        std::string out;
        pollfd p{fd_, POLLIN, 0};
        while (::poll(&p, 1, static_cast<int>(quiet.count())) > 0) {
            char chunk[16 * 1024];
            auto const n = ::recv(fd_, chunk, sizeof chunk, 0);
            if (n <= 0) break;
            out.append(chunk, static_cast<std::size_t>(n));
        }
        return out;
    }

private:
    int fd_ = -1;
};

// One request on a fresh connection (it should ask to close), and every byte of the answer.
std::string exchange(std::uint16_t port, std::string_view raw) {
    WireBytes wire{port};
    wire.send(raw);
    return wire.read();
}

std::string_view head_of(std::string_view wire) { return wire.substr(0, wire.find("\r\n\r\n") + 4); }

}  // namespace

// ---------------------------------------------------------------- message syntax (RFC 9112 2)

TEST_CASE("RFC 9110 5.5 and RFC 9112 2.2: obs-text in a field value reaches the handler as the same octets, other CTLs are 400") {
    RowsApp a;
    TestServer server{a.app};
    auto res = tern::testing::request(server.port(), "GET /x-header HTTP/1.1\r\nHost: t\r\nX: a\xff\xe9z\r\n\r\n");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "a\xff\xe9z");
    CHECK(refused_before_pipelined(server.port(), "GET /x-header HTTP/1.1\r\nHost: t\r\nX: a\x01z\r\n\r\n").status == 400);
    CHECK(refused_before_pipelined(server.port(), "GET /x-header HTTP/1.1\r\nHost: t\r\nX: a\x7fz\r\n\r\n").status == 400);
}

TEST_CASE("RFC 9112 2.2: whitespace between the request line and the first field line is 400") {
    RowsApp a;
    TestServer server{a.app};
    CHECK(refused_before_pipelined(server.port(), "GET / HTTP/1.1\r\n Host: t\r\n\r\n").status == 400);
    CHECK(refused_before_pipelined(server.port(), "GET / HTTP/1.1\r\n\tX: a\r\nHost: t\r\n\r\n").status == 400);
}

TEST_CASE("RFC 9112 2.2: a bare LF ending the trailer section of a chunked body is 400, and nothing after it is answered") {
    RowsApp a;
    TestServer server{a.app};
    CHECK(refused_before_pipelined(server.port(), std::string(chunked_head) + "5\r\nhello\r\n0\r\n\n").status == 400);
    CHECK(refused_before_pipelined(server.port(), std::string(chunked_head) + "5\r\nhello\r\n0\r\nX: 1\r\n\n").status == 400);
}

TEST_CASE("RFC 9112 2.3: the version is case-sensitive: http/1.1 is 400") {
    RowsApp a;
    TestServer server{a.app};
    CHECK(refused_before_pipelined(server.port(), "GET / http/1.1\r\nHost: t\r\n\r\n").status == 400);
    CHECK(refused_before_pipelined(server.port(), "GET / Http/1.1\r\nHost: t\r\n\r\n").status == 400);
}

// ---------------------------------------------------------------- request line (RFC 9112 3)

TEST_CASE("RFC 9112 3: an 8000-octet request line is served beside ordinary headers") {
    RowsApp a;
    TestServer server{a.app};
    std::string const target = "/path/" + std::string(7990, 'a');
    auto res = tern::testing::request(server.port(), "GET " + target + " HTTP/1.1\r\nHost: t\r\nUser-Agent: " +
                                                         std::string(380, 'u') + "\r\nCookie: " + std::string(6000, 'c') +
                                                         "\r\n\r\n");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == target);
}

TEST_CASE("RFC 9112 3: extra spaces between the parts of the request line are accepted, a tab is 400") {
    RowsApp a;
    TestServer server{a.app};
    CHECK(served_then_pipelined(server.port(), "GET  / HTTP/1.1\r\nHost: t\r\n\r\n").status == 200);
    CHECK(served_then_pipelined(server.port(), "GET /  HTTP/1.1\r\nHost: t\r\n\r\n").status == 200);
    CHECK(refused_before_pipelined(server.port(), "GET\t/\tHTTP/1.1\r\nHost: t\r\n\r\n").status == 400);
}

TEST_CASE("RFC 9112 3.2: whitespace or raw non-ASCII bytes in the target are 400, percent-encoded UTF-8 is served") {
    RowsApp a;
    TestServer server{a.app};
    CHECK(refused_before_pipelined(server.port(), "GET /a b HTTP/1.1\r\nHost: t\r\n\r\n").status == 400);
    // llhttp's strict mode (which checks the chunk framing) also refuses raw bytes >= 0x80.
    CHECK(refused_before_pipelined(server.port(), "GET /path/caf\xc3\xa9 HTTP/1.1\r\nHost: t\r\n\r\n").status == 400);
    CHECK(refused_before_pipelined(server.port(), "GET /x-header?q=\xc3\xa9 HTTP/1.1\r\nHost: t\r\n\r\n").status == 400);
    auto res = tern::testing::request(server.port(), "GET /path/caf%C3%A9 HTTP/1.1\r\nHost: t\r\n\r\n");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "/path/caf\xc3\xa9");
}

TEST_CASE("RFC 9112 3.2.3: authority-form is 400 outside CONNECT, and CONNECT is 501") {
    RowsApp a;
    TestServer server{a.app};
    CHECK(refused_before_pipelined(server.port(), "GET a:80 HTTP/1.1\r\nHost: a:80\r\n\r\n").status == 400);
    CHECK(refused_before_pipelined(server.port(), "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n").status == 501);
}

TEST_CASE("RFC 9112 3.2.4: OPTIONS * is answered like a path: 404, and the connection goes on") {
    RowsApp a;
    TestServer server{a.app};
    auto res = served_then_pipelined(server.port(), "OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n");
    CHECK(res.status == 404);
    CHECK(res.header("Allow").empty());
}

// ---------------------------------------------------------------- the response's bytes

TEST_CASE("RFC 9112 4 and RFC 9110 6.2: the status line is HTTP/1.1, three digits and a reason, to HTTP/1.0 too") {
    RowsApp a;
    TestServer server{a.app};
    CHECK(exchange(server.port(), "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(exchange(server.port(), "GET / HTTP/1.0\r\n\r\n").starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(exchange(server.port(), "GET /nope HTTP/1.0\r\n\r\n").starts_with("HTTP/1.1 404 Not Found\r\n"));
    CHECK(exchange(server.port(), "GET / HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 400 Bad Request\r\n"));
}

TEST_CASE("RFC 9110 6.6.1: every response, a refusal too, carries Date as an IMF-fixdate") {
    RowsApp a;
    TestServer server{a.app};
    std::regex const imf_fixdate{
        "\r\nDate: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
        "[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT\r\n"};
    for (std::string_view raw : {"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",   // 200
                                 "GET /nope HTTP/1.0\r\n\r\n",                               // 404
                                 "GET / HTTP/1.1\r\n\r\n",                                   // 400, the parser's
                                 "GET / HTTP/2.0\r\nHost: t\r\n\r\n"}) {                     // 505
        INFO(raw);
        std::string const wire = exchange(server.port(), raw);
        CHECK(std::regex_search(std::string(head_of(wire)), imf_fixdate));
    }
}

TEST_CASE("RFC 9110 8.6 and 15.3.5, 15.4.5: 100, 204 and 304 end at their header section, with no Content-Length or Transfer-Encoding") {
    RowsApp a;
    TestServer server{a.app};
    for (std::string_view raw : {"OPTIONS / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
                                 "GET /no-content HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
                                 "GET /not-modified HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"}) {
        INFO(raw);
        std::string const wire = exchange(server.port(), raw);
        REQUIRE(wire.find("\r\n\r\n") != std::string::npos);
        CHECK(head_of(wire).size() == wire.size());   // not a byte after the head: the body was dropped
        CHECK(wire.find("Content-Length") == std::string::npos);
        CHECK(wire.find("Transfer-Encoding") == std::string::npos);
    }
    WireBytes wire{server.port()};
    wire.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    CHECK(wire.read(300ms) == "HTTP/1.1 100 Continue\r\n\r\n");
}

TEST_CASE("RFC 9112 6.1 and RFC 9110 8.6: a handler cannot set Transfer-Encoding or Content-Length: the server frames the response") {
    RowsApp a;
    TestServer server{a.app};
    for (std::string_view name : {"Transfer-Encoding", "Content-Length", "transfer-encoding"}) {
        INFO(name);
        auto res = tern::testing::request(server.port(), "GET /own-framing?name=" + std::string(name) +
                                                             " HTTP/1.1\r\nHost: t\r\n\r\n");
        REQUIRE(res);
        CHECK(res->status == 500);
        CHECK(res->header("Transfer-Encoding").empty());
    }
}

TEST_CASE("RFC 9110 15: a handler's status from 100 to 999 is sent as set, any other is a 500") {
    RowsApp a;
    TestServer server{a.app};
    auto status_for = [&](int code) {
        auto res = tern::testing::request(server.port(), "GET /status?code=" + std::to_string(code) +
                                                             " HTTP/1.1\r\nHost: t\r\n\r\n");
        REQUIRE(res);
        return res->status;
    };
    CHECK(status_for(599) == 599);
    CHECK(status_for(999) == 999);
    CHECK(status_for(99) == 500);
    CHECK(status_for(1000) == 500);
}

// ---------------------------------------------------------------- fields and body (RFC 9112 5 to 7)

TEST_CASE("RFC 9110 6.3: a handler runs only after the whole header section has arrived") {
    RowsApp a;
    TestServer server{a.app};
    RawClient client{server.port(), 2000ms};
    client.send("GET /count HTTP/1.1\r\nHost: t\r\n");
    CHECK_FALSE(client.readable(200ms));
    client.send("X-Later: 1\r\n");
    CHECK_FALSE(client.readable(200ms));
    CHECK(a.counted == 0);
    client.send("\r\n");
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->body == "counted");
    CHECK(a.counted == 1);
}

TEST_CASE("RFC 9110 6.5.1: trailer fields are dropped, never merged into the header fields, folded ones too") {
    RowsApp a;
    TestServer server{a.app};
    auto res = served_then_pipelined(server.port(),
                                     "POST /header-names HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                                     "5\r\nhello\r\n0\r\nX-Trailer: 1\r\nContent-Length: 99\r\nX-Folded: a\r\n b\r\n\r\n");
    CHECK(res.status == 200);
    CHECK(res.body == "Host,Transfer-Encoding,");
}

TEST_CASE("RFC 9112 7.1.1: llhttp 8.1 skips chunk extensions, but refuses one after a token value, and whitespace around one, with 400") {
    RowsApp a;
    TestServer server{a.app};
    for (std::string_view size_line : {"5;a", "5;a=b", "5;a;b", "5;a=\"x y\";b"}) {
        INFO(size_line);
        CHECK(served_then_pipelined(server.port(), std::string(chunked_head) + std::string(size_line) +
                                                       "\r\nhello\r\n0\r\n\r\n")
                  .body == "hello");
    }
    for (std::string_view size_line : {"5;a=b;c", "5;foo=bar;baz", "5 ;a", "5; a", "5;a =b"}) {
        INFO(size_line);
        CHECK(refused_before_pipelined(server.port(), std::string(chunked_head) + std::string(size_line) +
                                                          "\r\nhello\r\n0\r\n\r\n").status == 400);
    }
}

// ---------------------------------------------------------------- connections (RFC 9112 9)

TEST_CASE("RFC 9112 9.3 and 9.6: a close option in any case or place ends the connection, and nothing pipelined after it is answered") {
    RowsApp a;
    TestServer server{a.app};
    for (std::string_view connection : {"Connection: close\r\n", "Connection: CLOSE\r\n", "Connection: keep-alive, close\r\n",
                                        "Connection: foo,close\r\n", "Connection: foo\r\nConnection: close\r\n"}) {
        INFO(connection);
        RawClient client{server.port(), 2000ms};
        client.send("GET / HTTP/1.1\r\nHost: t\r\n" + std::string(connection) + "\r\n" + std::string(pipelined_get));
        auto res = client.read_response();
        REQUIRE(res);
        CHECK(res->status == 200);
        CHECK(res->header("Connection") == "close");
        CHECK(client.closed_by_peer());
    }
}

TEST_CASE("RFC 9112 9.3: a body the handler never reads is consumed, so the next request is framed correctly") {
    RowsApp a;
    TestServer server{a.app};
    CHECK(served_then_pipelined(server.port(), "GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello").body == "ok");
    CHECK(served_then_pipelined(server.port(), "POST /nope HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello").status == 404);
    CHECK(served_then_pipelined(server.port(), "GET / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
              .body == "ok");
}

TEST_CASE("RFC 9112 9.5: a body that stops arriving gets 408 once body_timeout has passed, then the close") {
    RowsApp a;
    auto options = TestServer::defaults();
    options.body_timeout = 300ms;
    TestServer server{a.app, options};
    RawClient client{server.port(), 2000ms};
    tern::testing::Stopwatch watch;
    client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nhel");
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->status == 408);
    CHECK(res->body == R"j({"detail":"the request body took too long to arrive"})j");
    CHECK(res->header("Connection") == "close");
    CHECK(client.closed_by_peer());
    CHECK(watch.elapsed() >= 250ms);
    CHECK(watch.elapsed() < 1500ms);
}

// ---------------------------------------------------------------- methods (RFC 9110 9)

TEST_CASE("RFC 9110 9.1: a route for a method the parser cannot receive is refused at registration; the method is 501") {
    RowsApp a;
    CHECK_THROWS_WITH_AS(a.app.route("BREW", "/pot", ok), doctest::Contains("cannot receive method 'BREW'"),
                         std::invalid_argument);
    a.app.route("PROPFIND", "/dav", ok);   // in llhttp's table: fine
    TestServer server{a.app};
    CHECK(refused_before_pipelined(server.port(), "BREW /pot HTTP/1.1\r\nHost: t\r\n\r\n").status == 501);
    auto res = tern::testing::request(server.port(), "PROPFIND /dav HTTP/1.1\r\nHost: t\r\n\r\n");
    REQUIRE(res);
    CHECK(res->status == 200);
}

TEST_CASE("RFC 9110 9.3.2: HEAD gets GET's headers and no body") {
    RowsApp a;
    TestServer server{a.app};
    for (std::string_view path : {"/page", "/nope"}) {
        INFO(path);
        RawClient client{server.port(), 2000ms};
        std::string const rest = std::string(path) + " HTTP/1.1\r\nHost: t\r\n\r\n";
        client.send("GET " + rest + "HEAD " + rest + std::string(pipelined_get));
        auto get = client.read_response();
        auto head = client.read_response(/*head_request=*/true);
        auto after = client.read_response();   // starts right after HEAD's head: no body was sent
        REQUIRE(get);
        REQUIRE(head);
        REQUIRE(after);
        CHECK(head->status == get->status);
        CHECK(head->body.empty());
        CHECK(after->body == "ok");
        auto without_date = [](WireResponse res) {
            std::erase_if(res.headers, [](auto const& h) { return h.first == "Date"; });
            return res.headers;
        };
        CHECK(without_date(*head) == without_date(*get));
        CHECK(head->header("Content-Length") == std::to_string(get->body.size()));
    }
}

TEST_CASE("RFC 9110 9.3.8: TRACE is not implemented: 405 with Allow on a known path") {
    RowsApp a;
    TestServer server{a.app};
    auto res = served_then_pipelined(server.port(), "TRACE / HTTP/1.1\r\nHost: t\r\n\r\n");
    CHECK(res.status == 405);
    CHECK(res.header("Allow") == "GET, HEAD, OPTIONS");
}

// ---------------------------------------------------------------- Upgrade and Expect (RFC 9110 7.8, 10.1.1)

TEST_CASE("RFC 9110 7.8: Upgrade is ignored in HTTP/1.0 and HTTP/1.1, and the connection goes on") {
    RowsApp a;
    TestServer server{a.app};
    CHECK(served_then_pipelined(server.port(), "GET / HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
              .body == "ok");
    CHECK(served_then_pipelined(server.port(), "GET / HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n").body == "ok");
    auto old = served_then_pipelined(server.port(),
                                     "GET / HTTP/1.0\r\nConnection: Upgrade, keep-alive\r\nUpgrade: websocket\r\n\r\n");
    CHECK(old.body == "ok");
    CHECK(old.header("Connection") == "keep-alive");
}

TEST_CASE("RFC 9110 10.1.1 and 15.2: HTTP/1.0 gets no 100 Continue, and an expectation other than 100-continue is processed normally") {
    RowsApp a;
    TestServer server{a.app};
    RawClient old{server.port(), 2000ms};
    old.send("POST /echo HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello");
    auto res = old.read_response();
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "hello");

    RawClient other{server.port(), 2000ms};
    other.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: foo\r\nContent-Length: 5\r\n\r\nhello");
    res = other.read_response();
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "hello");
}

TEST_CASE("RFC 9110 10.1.1: a body over the limit with Expect: 100-continue gets 413 and the close, never 100") {
    RowsApp a;
    auto options = TestServer::defaults();
    options.max_body = 1024;
    TestServer server{a.app, options};
    RawClient client{server.port(), 2000ms};
    client.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n");
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->status == 413);
    CHECK(res->header("Connection") == "close");
    CHECK(client.closed_by_peer());
}

// ---------------------------------------------------------------- status codes (RFC 9110 10.2, 15)

TEST_CASE("RFC 9110 10.2.3: the 503 past max_connections carries no Retry-After") {
    RowsApp a;
    auto options = TestServer::defaults();
    options.max_connections = 1;
    TestServer server{a.app, options};
    RawClient first{server.port(), 2000ms};
    first.send(pipelined_get);
    REQUIRE(first.read_response());   // accepted and served before the second connects
    RawClient second{server.port(), 2000ms};
    auto res = second.read_response();
    REQUIRE(res);
    CHECK(res->status == 503);
    CHECK(res->header("Retry-After").empty());
}
