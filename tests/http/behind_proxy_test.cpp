// A server behind a load balancer: with the PROXY protocol on, the client each connection's
// header names is the requests' remote address; a connection without a valid header is closed.
#include <doctest/doctest.h>

#include <string>

#include <tern/http/app.hpp>
#include <tern/testing.hpp>

#include "support/http_client.hpp"

using tern::Task;
using tern::testing::RawClient;

namespace {

struct Backend {
    Backend() {
        app.get("/who", [](tern::Request& req) -> Task<tern::Response> { co_return tern::Response::text(std::string(req.remote_address())); });
    }
    tern::App app;
    tern::ServerOptions options() const {
        tern::ServerOptions o = tern::testing::Server::defaults();
        o.proxy_protocol = true;
        return o;
    }
};

// A v2 header: signature, version 2 / PROXY, TCP over IPv4, 12 bytes of addresses.
std::string proxy_v2_ipv4(bool local) {
    std::string h("\x0D\x0A\x0D\x0A\x00\x0D\x0A\x51\x55\x49\x54\x0A", 12);
    h += local ? '\x20' : '\x21';
    h += '\x11';
    h += std::string("\x00\x0C", 2);
    h += std::string("\xC6\x33\x64\x07", 4);   // 198.51.100.7
    h += std::string("\x0A\x00\x00\x01", 4);   // 10.0.0.1
    h += std::string("\xBB\x01", 2);           // port 47873
    h += std::string("\x00\x50", 2);           // port 80
    return h;
}

}  // namespace

TEST_CASE_FIXTURE(Backend, "a v1 header names the client of every request on its connection") {
    tern::testing::Server server{app, options()};
    RawClient client{server.port()};
    client.send("PROXY TCP4 203.0.113.7 10.0.0.1 56324 80\r\nGET /who HTTP/1.1\r\nHost: t\r\n\r\n");
    auto first = client.read_response();
    REQUIRE(first);
    CHECK(first->body == "203.0.113.7:56324");
    client.send("GET /who HTTP/1.1\r\nHost: t\r\n\r\n");   // keep-alive: the same client
    auto second = client.read_response();
    REQUIRE(second);
    CHECK(second->body == "203.0.113.7:56324");
}

TEST_CASE_FIXTURE(Backend, "a v1 header for IPv6, and a v2 header sent in pieces") {
    tern::testing::Server server{app, options()};
    {
        RawClient client{server.port()};
        client.send("PROXY TCP6 2001:db8::1 2001:db8::2 4711 443\r\nGET /who HTTP/1.1\r\nHost: t\r\n\r\n");
        auto res = client.read_response();
        REQUIRE(res);
        CHECK(res->body == "[2001:db8::1]:4711");
    }
    RawClient client{server.port()};
    std::string const header = proxy_v2_ipv4(false);
    client.send(header.substr(0, 7));
    client.send(header.substr(7) + "GET /who HTTP/1.1\r\nHost: t\r\n\r\n");
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->body == "198.51.100.7:47873");
}

TEST_CASE_FIXTURE(Backend, "a LOCAL header (the proxy's own health check) keeps the socket's address") {
    tern::testing::Server server{app, options()};
    RawClient client{server.port()};
    client.send(proxy_v2_ipv4(true) + "GET /who HTTP/1.1\r\nHost: t\r\n\r\n");
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->body.starts_with("127.0.0.1:"));
}

TEST_CASE_FIXTURE(Backend, "a connection without a valid header is closed unanswered, and the server goes on") {
    tern::testing::Server server{app, options()};
    {
        RawClient client{server.port()};
        client.send("GET /who HTTP/1.1\r\nHost: t\r\n\r\n");
        CHECK_FALSE(client.read_response());
        CHECK(client.closed_by_peer());
    }
    {
        RawClient client{server.port()};
        client.send("PROXY TCP4 1.2.3 10.0.0.1 1 2\r\nGET /who HTTP/1.1\r\n\r\n");
        CHECK_FALSE(client.read_response());
    }
    RawClient client{server.port()};
    client.send("PROXY TCP4 203.0.113.9 10.0.0.1 1000 80\r\nGET /who HTTP/1.1\r\nHost: t\r\n\r\n");
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->body == "203.0.113.9:1000");
}

TEST_CASE_FIXTURE(Backend, "without the option, a PROXY line is refused as an unknown method (501)") {
    tern::testing::Server server{app};
    RawClient client{server.port()};
    client.send("PROXY TCP4 203.0.113.7 10.0.0.1 56324 80\r\nGET /who HTTP/1.1\r\nHost: t\r\n\r\n");
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->status == 501);
}
