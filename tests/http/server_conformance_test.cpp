// RFC 9112 and RFC 9110 through a real socket: the requests of docs/conformance.md with their
// bytes spelled out, each followed on the same connection by a well-formed request that must
// not be answered when the first is refused (a refusal ends the connection), and then a fresh
// connection that must be served at once.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <string_view>

#include <tern/tern.hpp>

#include "support/http_client.hpp"
#include "support/pipelined.hpp"

using namespace std::chrono_literals;
using tern::testing::RawClient;
using tern::testing::TestServer;
using tern::testing::check_fresh_client_served;
using tern::testing::refused_before_pipelined;

namespace {

struct ConformanceApp {
    tern::App app;
    ConformanceApp() {
        app.get("/", [](tern::Request&) -> tern::Task<tern::Response> { co_return tern::Response::text("ok"); });
        app.get("/host", [](tern::Request& req) -> tern::Task<tern::Response> {
            co_return tern::Response::text(std::string(req.host()));
        });
        app.post("/echo", [](tern::Request& req) -> tern::Task<tern::Response> {
            co_return tern::Response::text(std::string(req.body()));
        });
    }
};

}  // namespace

TEST_CASE("RFC 9112 3.2: Host missing in HTTP/1.1, repeated, or invalid is 400 and ends the connection") {
    ConformanceApp a;
    TestServer server{a.app};
    SUBCASE("missing") {
        auto r = refused_before_pipelined(server.port(), "GET / HTTP/1.1\r\n\r\n");
        CHECK(r.status == 400);
        CHECK(r.body == R"j({"detail":"missing Host header (HTTP/1.1 requires one)"})j");
    }
    SUBCASE("repeated") {
        CHECK(refused_before_pipelined(server.port(), "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").status == 400);
    }
    SUBCASE("invalid") {
        CHECK(refused_before_pipelined(server.port(), "GET / HTTP/1.1\r\nHost: a b\r\n\r\n").status == 400);
    }
    check_fresh_client_served(server.port());
}

TEST_CASE("RFC 9112 3.2.2: a handler sees the absolute-form target's host, not the Host header") {
    ConformanceApp a;
    TestServer server{a.app};
    auto res = tern::testing::request(server.port(), "GET http://a:8080/host HTTP/1.1\r\nHost: b\r\n\r\n");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "a:8080");
    auto plain = tern::testing::request(server.port(), "GET /host HTTP/1.1\r\nHost: example.com:81\r\n\r\n");
    REQUIRE(plain);
    CHECK(plain->body == "example.com:81");
}

TEST_CASE("RFC 9112 6.1: an HTTP/1.0 request with Transfer-Encoding is 400, even asking for keep-alive") {
    ConformanceApp a;
    TestServer server{a.app};
    auto r = refused_before_pipelined(
        server.port(),
        "POST /echo HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    CHECK(r.status == 400);
    CHECK(r.body == R"j({"detail":"Transfer-Encoding in an HTTP/1.0 request"})j");
    check_fresh_client_served(server.port());
}

TEST_CASE("RFC 9112 7.1: chunk data not followed by CRLF is 400, and nothing after it is read as a request") {
    ConformanceApp a;
    TestServer server{a.app};
    auto r = refused_before_pipelined(
        server.port(), "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloAB5\r\nworld\r\n0\r\n\r\n");
    CHECK(r.status == 400);
    check_fresh_client_served(server.port());
}

TEST_CASE("RFC 9112 2.2: a bare CR before the request line is 400") {
    ConformanceApp a;
    TestServer server{a.app};
    CHECK(refused_before_pipelined(server.port(), "\rGET / HTTP/1.1\r\nHost: t\r\n\r\n").status == 400);
    check_fresh_client_served(server.port());
}

TEST_CASE("RFC 9112 3.2: a fragment in the target and '*' outside OPTIONS are 400") {
    ConformanceApp a;
    TestServer server{a.app};
    SUBCASE("fragment") { CHECK(refused_before_pipelined(server.port(), "GET /#top HTTP/1.1\r\nHost: t\r\n\r\n").status == 400); }
    SUBCASE("asterisk") { CHECK(refused_before_pipelined(server.port(), "GET * HTTP/1.1\r\nHost: t\r\n\r\n").status == 400); }
    check_fresh_client_served(server.port());
}

TEST_CASE("RFC 9110 9.1 and 15.6.2: an unknown method is 501 Not Implemented") {
    ConformanceApp a;
    TestServer server{a.app};
    auto r = refused_before_pipelined(server.port(), "BREW /pot HTTP/1.1\r\nHost: t\r\n\r\n");
    CHECK(r.status == 501);
    CHECK(r.body == R"j({"detail":"unknown method: not implemented by this server"})j");
    check_fresh_client_served(server.port());
}

TEST_CASE("RFC 9110 2.5: HTTP/1.2 is served as HTTP/1.1, keep-alive included") {
    ConformanceApp a;
    TestServer server{a.app};
    RawClient client{server.port(), 2000ms};
    client.send("GET / HTTP/1.2\r\nHost: t\r\n\r\nGET / HTTP/1.2\r\nHost: t\r\n\r\n");
    for (int i = 0; i < 2; ++i) {
        auto res = client.read_response();
        REQUIRE(res);
        CHECK(res->status == 200);
        CHECK(res->header("Connection") != "close");
    }
}

TEST_CASE("RFC 9110 6.2 and 15.6.6: another major version is 505, naming the versions served") {
    ConformanceApp a;
    TestServer server{a.app};
    auto r = refused_before_pipelined(server.port(), "GET / HTTP/2.0\r\nHost: t\r\n\r\n");
    CHECK(r.status == 505);
    CHECK(r.body == R"j({"detail":"HTTP/2.0 is not supported: this server speaks HTTP/1.0 and HTTP/1.1"})j");
    check_fresh_client_served(server.port());
}

TEST_CASE("RFC 9112 2.3: a malformed version is 400, not 505") {
    ConformanceApp a;
    TestServer server{a.app};
    CHECK(refused_before_pipelined(server.port(), "GET / HTTP/1.10\r\nHost: t\r\n\r\n").status == 400);
    check_fresh_client_served(server.port());
}

// RFC 9112 9.6 and RFC 9110 15.5: a limit is a 4xx that closes the connection; a request
// pipelined behind it is never answered, and a new connection is served at once.
TEST_CASE("RFC 9112 9.6: each limit (414, 431, 413) ends the connection, nothing pipelined after it is answered") {
    ConformanceApp a;
    auto options = TestServer::defaults();
    options.max_request_line = 64;
    options.max_header_bytes = 256;
    options.max_header_count = 4;
    options.max_body = 1024;
    TestServer server{a.app, options};
    SUBCASE("414: request line") {
        auto r = refused_before_pipelined(server.port(), "GET /" + std::string(100, 'a') + " HTTP/1.1\r\nHost: t\r\n\r\n");
        CHECK(r.status == 414);
    }
    SUBCASE("431: header bytes, naming the field") {
        auto r = refused_before_pipelined(server.port(), "GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(300, 'v') + "\r\n\r\n");
        CHECK(r.status == 431);
        CHECK(r.body == R"j({"detail":"request headers exceed 256 bytes (at field 'X-Big')"})j");
    }
    SUBCASE("431: header count") {
        auto r = refused_before_pipelined(server.port(), "GET / HTTP/1.1\r\nHost: t\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n");
        CHECK(r.status == 431);
    }
    SUBCASE("413: Content-Length") {
        auto r = refused_before_pipelined(server.port(), "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2000\r\n\r\n");
        CHECK(r.status == 413);
    }
    check_fresh_client_served(server.port());
}
