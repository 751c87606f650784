#include <tern/http/app.hpp>

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include <tern/json.hpp>

#include <tern/testing/client.hpp>

#include "support/http_client.hpp"

// Tests about the bytes on a connection (framing, pipelining, keep-alive) use the raw client;
// the rest go through tern::testing::Client, which answers the same bytes without a socket.
using tern::testing::Client;
using tern::testing::RawClient;
using tern::testing::TestServer;
using tern::testing::request;

struct Item {
    std::string name;
    double price;
    std::optional<std::string> note;
};
TERN_JSON(Item, name, price, note)

namespace {

tern::Task<tern::Response> hello(tern::Request& req) {
    auto name = req.param("name");
    co_return tern::Response::text(fmt::format("Hello, {}!", name.empty() ? "World" : name));
}

constexpr std::string_view get_root = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";

}  // namespace

TEST_CASE("a GET route answers with its body, Content-Length, Date and Server") {
    tern::App app;
    app.get("/", hello);
    TestServer server{app};
    auto res = request(server.port(), get_root);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "Hello, World!");
    CHECK(res->header("Content-Type") == "text/plain; charset=utf-8");
    CHECK(res->header("Content-Length") == "13");
    CHECK(res->header("Server") == "tern");
    CHECK(res->header("Date").size() == 29);
}

TEST_CASE("path parameters reach the handler, typed ones converted") {
    tern::App app;
    app.get("/hello/{name}", hello);
    app.get("/items/{id:int}", [](tern::Request& req) -> tern::Task<tern::Response> {
        co_return tern::Response::text(std::to_string(req.param<long>("id") * 2));
    });
    app.get("/files/{rest:path}", [](tern::Request& req) -> tern::Task<tern::Response> {
        co_return tern::Response::text(std::string(req.param("rest")));
    });
    Client tc{app};
    CHECK(tc.get("/hello/ann").text() == "Hello, ann!");
    CHECK(tc.get("/hello/a%20b").text() == "Hello, a b!");
    CHECK(tc.get("/items/21").text() == "42");
    CHECK(tc.get("/items/abc").status() == 404);
    CHECK(tc.get("/files/a/b/c.txt").text() == "a/b/c.txt");
}

TEST_CASE("an unknown path is 404, a known path with the wrong method 405 with Allow") {
    tern::App app;
    app.get("/", hello);
    app.post("/", hello);
    Client tc{app};
    auto missing = tc.get("/nope");
    CHECK(missing.status() == 404);
    CHECK(missing.text() == R"({"detail":"Not Found"})");
    auto wrong = tc.delete_("/");
    CHECK(wrong.status() == 405);
    CHECK(wrong.header("Allow") == "GET, HEAD, POST, OPTIONS");
}

TEST_CASE("HEAD is answered by the GET route with its headers and no body") {
    tern::App app;
    app.get("/", hello);
    TestServer server{app};
    RawClient client{server.port()};
    client.send("HEAD / HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n");
    auto head = client.read_response(/*head_request=*/true);
    REQUIRE(head);
    CHECK(head->status == 200);
    CHECK(head->header("Content-Length") == "13");
    CHECK(head->body.empty());
    auto get = client.read_response();   // the next response starts right after the head
    REQUIRE(get);
    CHECK(get->body == "Hello, World!");
}

TEST_CASE("OPTIONS is answered automatically with Allow") {
    tern::App app;
    app.get("/items", hello);
    app.post("/items", hello);
    Client tc{app};
    auto res = tc.request("OPTIONS", "/items", {});
    CHECK(res.status() == 204);
    CHECK(res.header("Allow") == "GET, HEAD, POST, OPTIONS");
}

TEST_CASE("query parameters are decoded, repeated keys kept") {
    tern::App app;
    app.get("/search", [](tern::Request& req) -> tern::Task<tern::Response> {
        std::string out{req.query("q")};
        for (auto tag : req.query_all("tag")) out.append("|").append(tag);
        out += req.has_query("missing") ? "!" : ".";
        co_return tern::Response::text(out);
    });
    Client tc{app};
    CHECK(tc.get("/search?q=a+b%21&tag=x&tag=y").text() == "a b!|x|y.");
}

TEST_CASE("json<T>() reads a model; malformed JSON is 400 and the wrong shape 422 listing problems") {
    tern::App app;
    app.post("/items", [](tern::Request& req) -> tern::Task<tern::Response> {
        Item item = req.json<Item>();
        co_return tern::Response::json(item).status(201);
    });
    Client tc{app};
    auto created = tc.post("/items", R"({"name":"pen","price":1.5})");
    CHECK(created.status() == 201);
    CHECK(created.header("Content-Type") == "application/json");
    CHECK(created.json<Item>().name == "pen");

    auto malformed = tc.post("/items", R"({"name":"pen",)");
    CHECK(malformed.status() == 400);
    CHECK(malformed.text().find("byte") != std::string::npos);

    auto wrong = tc.post("/items", R"({"name":7})");
    CHECK(wrong.status() == 422);
    CHECK(wrong.text().find(R"("loc":["body","name"])") != std::string::npos);
    CHECK(wrong.text().find(R"("loc":["body","price"])") != std::string::npos);
}

TEST_CASE("HttpError becomes its status with a detail body") {
    tern::App app;
    app.get("/secret", [](tern::Request&) -> tern::Task<tern::Response> {
        throw tern::HttpError(403, "no entry");
        co_return tern::Response::text("unreachable");
    });
    Client tc{app};
    auto res = tc.get("/secret");
    CHECK(res.status() == 403);
    CHECK(res.text() == R"({"detail":"no entry"})");
}

TEST_CASE("an uncaught exception becomes 500 and the next request on the connection succeeds") {
    tern::App app;
    app.get("/boom", [](tern::Request&) -> tern::Task<tern::Response> {
        throw std::runtime_error("kaboom");
        co_return tern::Response::text("unreachable");
    });
    app.get("/", hello);
    TestServer server{app};
    RawClient client{server.port()};
    client.send("GET /boom HTTP/1.1\r\nHost: t\r\n\r\n");
    auto failed = client.read_response();
    REQUIRE(failed);
    CHECK(failed->status == 500);
    CHECK(failed->body == R"({"detail":"Internal Server Error"})");
    client.send(get_root);
    auto ok = client.read_response();
    REQUIRE(ok);
    CHECK(ok->status == 200);
}

// The server calls a plain route's handler itself (App::serve, no dispatch frame between), so
// a handler that is no coroutine and throws before it returns a task throws into the server.
TEST_CASE("a handler that throws before returning its task is answered 500, on a socket and in the test client") {
    tern::App app;
    app.get("/eager", [](tern::Request&) -> tern::Task<tern::Response> { throw std::runtime_error("eager"); });
    app.get("/eager-http", [](tern::Request&) -> tern::Task<tern::Response> { throw tern::HttpError(409, "taken"); });
    app.get("/", hello);
    TestServer server{app};
    RawClient client{server.port()};
    client.send("GET /eager HTTP/1.1\r\nHost: t\r\n\r\n");
    auto failed = client.read_response();
    REQUIRE(failed);
    CHECK(failed->status == 500);
    client.send("GET /eager-http HTTP/1.1\r\nHost: t\r\n\r\n");
    auto refused = client.read_response();
    REQUIRE(refused);
    CHECK(refused->status == 409);
    CHECK(refused->body == R"({"detail":"taken"})");
    client.send(get_root);
    auto ok = client.read_response();
    REQUIRE(ok);
    CHECK(ok->status == 200);
    Client tc{app};
    CHECK(tc.get("/eager").status() == 500);
    CHECK(tc.get("/eager-http").status() == 409);
}

TEST_CASE("middleware runs in registration order on the way in and in reverse on the way out") {
    tern::App app;
    auto layer = [](std::string name) {
        return [name](tern::Request& req, tern::Next next) -> tern::Task<tern::Response> {
            auto* trail = req.state<std::string>("trail");
            if (!trail) {
                req.set_state("trail", std::string{});
                trail = req.state<std::string>("trail");
            }
            *trail += ">" + name;
            auto res = co_await next(req);
            res.body() += "<" + name;
            co_return res;
        };
    };
    app.use(layer("a")).use(layer("b"));
    app.get("/", [](tern::Request& req) -> tern::Task<tern::Response> {
        co_return tern::Response::text(*req.state<std::string>("trail") + "|");
    });
    Client tc{app};
    CHECK(tc.get("/").text() == ">a>b|<b<a");
}

TEST_CASE("a middleware may answer without calling next") {
    tern::App app;
    app.use([](tern::Request& req, tern::Next next) -> tern::Task<tern::Response> {
        if (req.header("Authorization").empty()) co_return tern::Response::text("login first").status(401);
        co_return co_await next(req);
    });
    app.get("/", hello);
    Client tc{app};
    CHECK(tc.get("/").status() == 401);
    CHECK(tc.get("/", {{"Authorization", "x"}}).status() == 200);
}

TEST_CASE("a route group adds its prefix and its own middleware inside the App's") {
    tern::App app;
    app.use([](tern::Request& req, tern::Next next) -> tern::Task<tern::Response> {
        auto res = co_await next(req);
        res.header("X-Outer", "1");
        co_return res;
    });
    auto api = app.group("/api");
    api.use([](tern::Request& req, tern::Next next) -> tern::Task<tern::Response> {
        auto res = co_await next(req);
        res.header("X-Api", "1");
        co_return res;
    });
    api.get("/ping", [](tern::Request&) -> tern::Task<tern::Response> { co_return tern::Response::text("pong"); });
    app.get("/ping", [](tern::Request&) -> tern::Task<tern::Response> { co_return tern::Response::text("root"); });
    Client tc{app};
    auto grouped = tc.get("/api/ping");
    CHECK(grouped.text() == "pong");
    CHECK(grouped.header("X-Api") == "1");
    CHECK(grouped.header("X-Outer") == "1");
    auto plain = tc.get("/ping");
    CHECK(plain.text() == "root");
    CHECK(plain.header("X-Api").empty());
}

TEST_CASE("conflicting routes are refused at registration with a clear message") {
    tern::App app;
    app.get("/u/{id}", hello);
    CHECK_THROWS_WITH_AS(app.get("/u/{name}", hello), doctest::Contains("/u/{id}"), std::invalid_argument);
}

TEST_CASE("cookies are read from the request and set with attributes on the response") {
    tern::App app;
    app.get("/", [](tern::Request& req) -> tern::Task<tern::Response> {
        auto res = tern::Response::text(std::string(req.cookie("session")));
        tern::CookieOptions options;
        options.max_age = std::chrono::seconds(60);
        res.set_cookie("seen", "yes", options);
        co_return res;
    });
    Client tc{app};
    auto res = tc.get("/", {{"Cookie", "a=1; session=abc"}});
    CHECK(res.text() == "abc");
    CHECK(res.header("Set-Cookie") == "seen=yes; Path=/; Max-Age=60; HttpOnly; SameSite=Lax");
}
