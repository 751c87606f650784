// How a connection carries requests: keep-alive, pipelining, HTTP/1.0, Connection: close,
// chunked bodies, 100-continue, absolute-form targets, half-closes and resets.
#include <tern/http/app.hpp>

#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "support/http_client.hpp"

using tern::testing::RawClient;
using tern::testing::TestServer;
using tern::testing::request;

namespace {

tern::Task<tern::Response> hello(tern::Request& req) {
    auto name = req.param("name");
    co_return tern::Response::text(fmt::format("Hello, {}!", name.empty() ? "World" : name));
}

tern::Task<tern::Response> echo(tern::Request& req) {
    co_return tern::Response::text(std::string(req.body()));
}

// Answers with the client's address, so a test can tell whether two requests shared a connection.
tern::Task<tern::Response> peer(tern::Request& req) {
    co_return tern::Response::text(std::string(req.remote_address()));
}

// An App with the routes every test here uses.
void add_routes(tern::App& app) {
    app.get("/", hello);
    app.get("/hello/{name}", hello);
    app.get("/peer", peer);
    app.post("/echo", echo);
}

constexpr std::string_view get_root = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
constexpr std::string_view get_peer = "GET /peer HTTP/1.1\r\nHost: t\r\n\r\n";

}  // namespace

TEST_CASE("one keep-alive connection carries 100 requests in turn") {
    tern::App app;
    add_routes(app);
    TestServer server{app};
    RawClient client{server.port()};
    std::string first_peer;
    for (int i = 0; i < 100; ++i) {
        REQUIRE(client.send(get_peer));
        auto res = client.read_response();
        REQUIRE_MESSAGE(res, "request " << i << " got no response");
        REQUIRE(res->status == 200);
        CHECK(res->header("Connection").empty());   // HTTP/1.1 keeps the connection by default
        if (i == 0) first_peer = res->body;
        REQUIRE_MESSAGE(res->body == first_peer, "request " << i << " came on another connection");
    }
    CHECK(!first_peer.empty());
}

TEST_CASE("16 requests pipelined in one write are answered in order") {
    tern::App app;
    add_routes(app);
    TestServer server{app};
    std::string pipeline;
    for (int i = 0; i < 16; ++i) pipeline += fmt::format("GET /hello/{} HTTP/1.1\r\nHost: t\r\n\r\n", i);
    RawClient client{server.port()};
    REQUIRE(client.send(pipeline));
    for (int i = 0; i < 16; ++i) {
        auto res = client.read_response();
        REQUIRE_MESSAGE(res, "response " << i << " never arrived");
        CHECK(res->status == 200);
        CHECK(res->body == fmt::format("Hello, {}!", i));
    }
    client.send(get_root);   // and the connection is still usable after the burst
    auto after = client.read_response();
    REQUIRE(after);
    CHECK(after->body == "Hello, World!");
}

TEST_CASE("an HTTP/1.0 request without keep-alive is answered, then the server closes") {
    tern::App app;
    add_routes(app);
    TestServer server{app};
    RawClient client{server.port()};
    client.send("GET / HTTP/1.0\r\n\r\n");
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "Hello, World!");
    CHECK(res->header("Connection") != "keep-alive");
    CHECK(client.closed_by_peer());
}

TEST_CASE("an HTTP/1.0 request with Connection: keep-alive keeps the connection and says so") {
    tern::App app;
    add_routes(app);
    TestServer server{app};
    RawClient client{server.port()};
    client.send("GET /peer HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    auto first = client.read_response();
    REQUIRE(first);
    CHECK(first->status == 200);
    CHECK(first->header("Connection") == "keep-alive");
    client.send("GET /peer HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    auto second = client.read_response();
    REQUIRE(second);
    CHECK(second->body == first->body);
    CHECK(second->header("Connection") == "keep-alive");
}

TEST_CASE("Connection: close from the client is echoed, and the server closes after the response") {
    tern::App app;
    add_routes(app);
    TestServer server{app};
    RawClient client{server.port()};
    client.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "Hello, World!");
    CHECK(res->header("Connection") == "close");
    CHECK(client.closed_by_peer());
}

TEST_CASE("a chunked request body reaches the handler de-chunked") {
    tern::App app;
    add_routes(app);
    TestServer server{app};
    auto res = request(server.port(),
                       "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "5\r\nhello\r\n"
                       "7;ext=1\r\n, world\r\n"
                       "1\r\n!\r\n"
                       "0\r\n\r\n");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "hello, world!");
    CHECK(res->header("Content-Length") == "13");
}

TEST_CASE("a short custom Content-Type set by the handler reaches the client intact") {
    // Regression: the response kept its custom type as a view into its own std::string, whose
    // inline buffer (types of up to 15 characters) stayed behind when co_return moved it.
    tern::App app;
    app.post("/typed", [](tern::Request& req) -> tern::Task<tern::Response> {
        co_return tern::Response::bytes(std::string(req.body()), req.header("Content-Type"));
    });
    TestServer server{app};
    auto res = request(server.port(),
                       "POST /typed HTTP/1.1\r\nHost: t\r\nContent-Type: text/csv\r\nContent-Length: 3\r\n\r\na,b");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->header("Content-Type") == "text/csv");
    CHECK(res->body == "a,b");
}

TEST_CASE("Expect: 100-continue gets 100 Continue before the body is sent, then the response") {
    tern::App app;
    add_routes(app);
    TestServer server{app};
    RawClient client{server.port()};
    client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    auto interim = client.read_response();   // nothing of the body has been sent yet
    REQUIRE(interim);
    CHECK(interim->status == 100);
    CHECK(interim->reason == "Continue");
    client.send("hello");
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "hello");
}

// RFC 9110 10.1.1: a request without content has nothing to wait for permission to send, so
// it is answered at once, without an interim 100 first.
TEST_CASE("a request without a body is answered without 100 Continue, even when it expects one") {
    tern::App app;
    add_routes(app);
    TestServer server{app};
    RawClient client{server.port()};
    client.send("GET / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n\r\n");
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->status == 200);
    client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nExpect: 100-continue\r\n\r\n");
    res = client.read_response();
    REQUIRE(res);
    CHECK(res->status == 200);
}

TEST_CASE("an absolute-form target is routed by its path and keeps its query") {
    tern::App app;
    app.get("/hello/{name}", [](tern::Request& req) -> tern::Task<tern::Response> {
        co_return tern::Response::text(fmt::format("{} {}", req.param("name"), req.query("x")));
    });
    TestServer server{app};
    auto res = request(server.port(), "GET http://example.com/hello/ann?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "ann 1");
}

TEST_CASE("a client that half-closes after a complete request still gets its response") {
    tern::App app;
    add_routes(app);
    TestServer server{app};
    RawClient client{server.port()};
    client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc");
    client.shutdown_write();
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "abc");
    CHECK(client.closed_by_peer());   // nothing more can come, so the server closes its side too
}

TEST_CASE("200 clients that reset mid-request do not disturb a fresh client") {
    tern::App app;
    add_routes(app);
    TestServer server{app};
    for (int i = 0; i < 200; ++i) {
        RawClient client{server.port()};
        // Half a head, or a head promising a body that never comes.
        client.send(i % 2 ? "GET /hello/x HTTP/1.1\r\nHost: t\r\nX-Half: "
                          : "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nabc");
        client.reset();
    }
    RawClient fresh{server.port(), std::chrono::milliseconds(2000)};
    fresh.send(get_root);
    auto res = fresh.read_response();
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "Hello, World!");
}
