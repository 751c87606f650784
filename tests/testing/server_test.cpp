#include <tern/testing/server.hpp>

#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include <tern/http/error.hpp>
#include <tern/testing/client.hpp>

#include "support/http_client.hpp"

TEST_CASE("the test server listens on 127.0.0.1 on a free port and builds URLs") {
    tern::App app;
    app.get("/items/{id}", [](tern::Request& req) -> tern::Task<tern::Response> {
        co_return tern::Response::text(std::string(req.param("id")));
    });
    tern::testing::Server server{app};
    REQUIRE(server.port() != 0);
    CHECK(server.url("/items/1") == "http://127.0.0.1:" + std::to_string(server.port()) + "/items/1");
    CHECK(server.url("x") == "http://127.0.0.1:" + std::to_string(server.port()) + "/x");
    auto res = tern::testing::request(server.port(), "GET /items/7 HTTP/1.1\r\nHost: t\r\n\r\n");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "7");
}

TEST_CASE("stopping the test server drains it, and the port stops accepting") {
    tern::App app;
    app.get("/", [](tern::Request&) -> tern::Task<tern::Response> { co_return tern::Response::text("ok"); });
    std::uint16_t port = 0;
    {
        tern::testing::Server server{app, tern::testing::Server::defaults()};
        port = server.port();
        CHECK(tern::testing::request(port, "GET / HTTP/1.1\r\nHost: t\r\n\r\n")->body == "ok");
        server.stop();
        server.stop();   // idempotent; the destructor has nothing left to do
    }
    CHECK_THROWS(tern::testing::RawClient{port});
}

namespace {

// The bytes with the Date header's value blanked: the two answers may straddle a second.
std::string without_date(std::string bytes) {
    auto const at = bytes.find("\r\nDate: ");
    if (at == std::string::npos) return bytes;
    // Put together rather than replace()d in place, which g++ 12 takes for an overlapping
    // memcpy (a false -Wrestrict warning).
    std::string blanked = bytes.substr(0, at + 8);
    blanked += '-';
    blanked += std::string_view(bytes).substr(bytes.find("\r\n", at + 2));
    return blanked;
}

}  // namespace

TEST_CASE("the test client writes the very bytes the server sends on the network") {
    tern::App app;
    app.use([](tern::Request& req, tern::Next next) -> tern::Task<tern::Response> {
        auto res = co_await next(req);
        res.header("X-Seen", req.path());
        co_return res;
    });
    app.get("/", [](tern::Request&) -> tern::Task<tern::Response> { co_return tern::Response::text("hello"); });
    app.get("/stream", [](tern::Request&) -> tern::Task<tern::Response> {
        co_return tern::Response::stream([]() -> tern::Generator<std::string> {
            co_yield "a";
            co_yield "bc";
        }());
    });
    app.get("/boom", [](tern::Request&) -> tern::Task<tern::Response> {
        throw tern::HttpError(418, "teapot");
        co_return tern::Response::text("unreachable");
    });
    tern::testing::Server server{app};
    tern::testing::Client tc{app};
    for (std::string_view const raw : {
             "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
             "HEAD / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
             "GET /stream HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
             "GET /stream HTTP/1.0\r\n\r\n",
             "GET /boom HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
             "GET /nope HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
             "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc",
             "GET / HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n",
         }) {
        CAPTURE(raw);
        tern::testing::RawClient network{server.port()};
        REQUIRE(network.send(raw));
        CHECK(without_date(tc.send_raw(raw).wire()) == without_date(network.read_to_close()));
    }
}
