#include <tern/testing/server.hpp>

#include <doctest/doctest.h>

#include <string>

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
