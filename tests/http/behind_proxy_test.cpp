// A server behind a load balancer: with the PROXY protocol on, the client each connection's
// header names is the requests' remote address; a connection without a valid header is closed.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <tern/http/app.hpp>
#include <tern/http/trusted_proxies.hpp>
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

namespace {

struct Proxied {
    Proxied() {
        app.get("/who", [](tern::Request& req) -> Task<tern::Response> {
            co_return tern::Response::text(std::string(req.remote_address()) + " " + std::string(req.scheme()) + " " +
                                           std::string(req.host()));
        });
    }
    tern::App app;
    tern::ServerOptions trusting(std::vector<std::string> allow) const {
        tern::ServerOptions o = tern::testing::Server::defaults();
        o.forwarded_allow = std::move(allow);
        return o;
    }
};

std::string who(std::uint16_t port, std::string const& headers) {
    RawClient client{port};
    client.send("GET /who HTTP/1.1\r\nHost: backend:8080\r\n" + headers + "\r\n");
    auto res = client.read_response();
    return res ? res->body : "no response";
}

}  // namespace

TEST_CASE_FIXTURE(Proxied, "from a trusted proxy, X-Forwarded-For/-Proto/-Host name the client, its scheme and host") {
    tern::testing::Server server{app, trusting({"127.0.0.1"})};
    CHECK(who(server.port(), "X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: shop.example\r\n") ==
          "203.0.113.7 https shop.example");
    // A chain: the nearest untrusted hop is the client; what it claimed before is not believed.
    CHECK(who(server.port(), "X-Forwarded-For: 1.1.1.1, 203.0.113.7, 127.0.0.1\r\n").starts_with("203.0.113.7 http "));
}

TEST_CASE_FIXTURE(Proxied, "from an untrusted peer the headers are ignored") {
    tern::testing::Server server{app, trusting({"10.0.0.0/8"})};
    std::string const res = who(server.port(), "X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\n");
    CHECK(res.starts_with("127.0.0.1:"));
    CHECK(res.find(" http backend:8080") != std::string::npos);
    tern::testing::Server plain{app};   // forwarded_allow empty: nobody is trusted
    CHECK(who(plain.port(), "X-Forwarded-For: 203.0.113.7\r\n").starts_with("127.0.0.1:"));
}

TEST_CASE_FIXTURE(Proxied, "Forwarded (RFC 7239) is preferred, with quoted IPv6 and ports; a malformed one is not believed") {
    tern::testing::Server server{app, trusting({"127.0.0.0/8", "::1"})};
    CHECK(who(server.port(), "Forwarded: for=\"[2001:db8::1]:4711\";proto=https;host=api.example\r\nX-Forwarded-For: 9.9.9.9\r\n") ==
          "2001:db8::1 https api.example");
    CHECK(who(server.port(), "Forwarded: for=198.51.100.1, for=127.0.0.1;proto=http\r\n") == "198.51.100.1 http backend:8080");
    CHECK(who(server.port(), "Forwarded: for=\"unterminated\r\n").starts_with("127.0.0.1:"));
    std::string const hidden = who(server.port(), "Forwarded: for=_hidden;proto=https\r\n");   // no address to give
    CHECK(hidden.starts_with("127.0.0.1:"));
    CHECK(hidden.find(" https ") != std::string::npos);
}

TEST_CASE("trusted proxies: addresses, CIDR ranges for IPv4 and IPv6, mapped addresses, and bad entries refused") {
    tern::TrustedProxies const t{{"10.0.0.0/8", "192.168.1.7", "fd00::/8", "::1"}};
    CHECK(t.trusts("10.255.1.2"));
    CHECK_FALSE(t.trusts("11.0.0.1"));
    CHECK(t.trusts("192.168.1.7"));
    CHECK_FALSE(t.trusts("192.168.1.8"));
    CHECK(t.trusts("fd12::1"));
    CHECK_FALSE(t.trusts("fe80::1"));
    CHECK(t.trusts("::1"));
    CHECK(t.trusts("::ffff:10.1.2.3"));
    CHECK_FALSE(t.trusts("not an address"));
    CHECK(tern::TrustedProxies{{"0.0.0.0/0"}}.trusts("8.8.8.8"));
    CHECK(tern::TrustedProxies{{"*"}}.trusts("2001:db8::5"));
    CHECK(tern::TrustedProxies{}.empty());
    CHECK_THROWS_WITH_AS(tern::TrustedProxies({"10.0.0.0/33"}), doctest::Contains("'10.0.0.0/33'"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(tern::TrustedProxies({"gateway"}), doctest::Contains("'gateway'"), std::invalid_argument);
}
