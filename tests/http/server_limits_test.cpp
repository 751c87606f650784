// What the server refuses, and how: every limit with a small configured value, the shapes of
// request smuggling, slow and idle clients, and too many connections. After each hostile client
// a fresh one is still served promptly.
#include <tern/http/app.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <thread>

#include "support/http_client.hpp"

using namespace std::chrono_literals;
using tern::testing::RawClient;
using tern::testing::Stopwatch;
using tern::testing::TestServer;

namespace {

tern::Task<tern::Response> hello(tern::Request&) { co_return tern::Response::text("Hello, World!"); }

tern::Task<tern::Response> echo(tern::Request& req) {
    co_return tern::Response::text(std::string(req.body()));
}

struct LimitedApp {
    tern::App app;
    LimitedApp() {
        app.get("/", hello);
        app.post("/echo", echo);
    }
};

tern::ServerOptions small_limits() {
    auto o = TestServer::defaults();
    o.max_request_line = 64;
    o.max_header_bytes = 256;
    o.max_header_count = 4;
    o.max_body = 1024;
    return o;
}

// Sends `raw` on a fresh connection; returns the status the server answered with (0 for none)
// and checks that the server then closed the connection.
int refused_with(std::uint16_t port, std::string_view raw) {
    RawClient client{port};
    client.send(raw);
    auto res = client.read_response();
    if (!res) return 0;
    CHECK_MESSAGE(res->header("Connection") == "close", "a refusal must announce the close");
    CHECK_MESSAGE(client.closed_by_peer(), "the server must close after refusing");
    return res->status;
}

// A well-behaved client is answered within a second on a fresh connection.
void check_fresh_client_served(std::uint16_t port) {
    Stopwatch watch;
    RawClient client{port, 2000ms};
    client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    auto res = client.read_response();
    REQUIRE_MESSAGE(res, "a fresh client was not served after a hostile one");
    CHECK(res->status == 200);
    CHECK(watch.elapsed() < 1000ms);
}

}  // namespace

TEST_CASE("a request line longer than max_request_line is 414") {
    LimitedApp a;
    TestServer server{a.app, small_limits()};
    std::string const line = "GET /" + std::string(100, 'a') + " HTTP/1.1\r\nHost: t\r\n\r\n";
    CHECK(refused_with(server.port(), line) == 414);
    check_fresh_client_served(server.port());
}

TEST_CASE("a head larger than max_header_bytes is 431") {
    LimitedApp a;
    TestServer server{a.app, small_limits()};
    std::string const head = "GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(300, 'b') + "\r\n\r\n";
    CHECK(refused_with(server.port(), head) == 431);
    check_fresh_client_served(server.port());
}

TEST_CASE("more header fields than max_header_count is 431") {
    LimitedApp a;
    TestServer server{a.app, small_limits()};
    CHECK(refused_with(server.port(), "GET / HTTP/1.1\r\nHost: t\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n") == 431);
    check_fresh_client_served(server.port());
}

TEST_CASE("a Content-Length over max_body is 413 before any of the body is sent") {
    LimitedApp a;
    TestServer server{a.app, small_limits()};
    RawClient client{server.port()};
    client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10000000\r\n\r\n");   // the head only
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->status == 413);
    CHECK(res->header("Connection") == "close");
    CHECK(client.closed_by_peer());
    check_fresh_client_served(server.port());
}

TEST_CASE("a body of exactly max_body bytes is accepted") {
    LimitedApp a;
    TestServer server{a.app, small_limits()};
    std::string const body(1024, 'x');
    auto res = tern::testing::request(server.port(),
                                      "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1024\r\n\r\n" + body);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == body);
}

TEST_CASE("a chunked body growing past max_body is 413") {
    LimitedApp a;
    TestServer server{a.app, small_limits()};
    std::string const chunk = "200\r\n" + std::string(512, 'c') + "\r\n";   // 512 bytes each
    std::string const head = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
    CHECK(refused_with(server.port(), head + chunk + chunk + chunk) == 413);
    check_fresh_client_served(server.port());
}

TEST_CASE("request smuggling shapes are 400 and close the connection") {
    LimitedApp a;
    TestServer server{a.app, small_limits()};
    SUBCASE("Content-Length together with Transfer-Encoding") {
        CHECK(refused_with(server.port(),
                           "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "0\r\n\r\n") == 400);
    }
    SUBCASE("two different Content-Lengths") {
        CHECK(refused_with(server.port(),
                           "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde") ==
              400);
    }
    SUBCASE("a chunk size that is not hexadecimal") {
        CHECK(refused_with(server.port(),
                           "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "zz\r\nabc\r\n0\r\n\r\n") == 400);
    }
    check_fresh_client_served(server.port());
}

TEST_CASE("a slowloris head, one byte every 100 ms, is cut off by header_timeout with 408") {
    LimitedApp a;
    auto options = small_limits();
    options.header_timeout = 300ms;
    TestServer server{a.app, options};
    RawClient client{server.port()};
    Stopwatch watch;
    client.send("GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ");
    // Each byte comes well within any per-read timeout; only a deadline for the whole head stops it.
    // At most 30 bytes, so a server that never answers fails the test after about 3 s.
    for (int i = 0; i < 30 && !client.readable(100ms); ++i) client.send("s");
    auto const answered_after = watch.elapsed();
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->status == 408);
    CHECK(client.closed_by_peer());
    CHECK(answered_after >= 250ms);    // not before the timeout...
    CHECK(answered_after < 2000ms);    // ...and long before the dribble would have ended
    check_fresh_client_served(server.port());
}

TEST_CASE("an idle keep-alive connection is closed after keep_alive_timeout") {
    LimitedApp a;
    auto options = small_limits();
    options.keep_alive_timeout = 300ms;
    TestServer server{a.app, options};
    RawClient client{server.port()};
    client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->header("Connection").empty());   // kept alive, until it idles too long
    Stopwatch watch;
    CHECK(client.closed_by_peer());              // waits up to the client's 5 s timeout
    CHECK(watch.elapsed() >= 200ms);
    CHECK(watch.elapsed() < 2000ms);
    check_fresh_client_served(server.port());
}

TEST_CASE("past max_connections a new connection gets 503 and is closed; the others still work") {
    LimitedApp a;
    auto options = small_limits();
    options.max_connections = 2;
    TestServer server{a.app, options};
    RawClient first{server.port()};
    RawClient second{server.port()};
    for (RawClient* c : {&first, &second}) {   // both are accepted and served before the third comes
        c->send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        auto res = c->read_response();
        REQUIRE(res);
        CHECK(res->status == 200);
    }
    {
        RawClient third{server.port()};
        auto res = third.read_response();   // answered without sending a byte
        REQUIRE(res);
        CHECK(res->status == 503);
        CHECK(res->header("Connection") == "close");
        CHECK(third.closed_by_peer());
    }
    for (RawClient* c : {&first, &second}) {
        c->send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        auto res = c->read_response();
        REQUIRE(res);
        CHECK(res->status == 200);
    }
}

TEST_CASE("a connection slot is free again once a client leaves") {
    LimitedApp a;
    auto options = small_limits();
    options.max_connections = 1;
    TestServer server{a.app, options};
    for (int i = 0; i < 3; ++i) {   // each client leaves before the next one comes
        RawClient client{server.port()};
        client.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        auto res = client.read_response();
        REQUIRE(res);
        CHECK(res->status == 200);
        CHECK(client.closed_by_peer());
    }
}
