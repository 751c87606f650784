#include <tern/testing/client.hpp>

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include <tern/core/loop.hpp>
#include <tern/http/error.hpp>
#include <tern/json.hpp>

struct Pen {
    std::string name;
    double price = 0;
};
TERN_JSON(Pen, name, price)

namespace {

tern::Task<tern::Response> hello(tern::Request& req) {
    auto name = req.param("name");
    co_return tern::Response::text("Hello, " + std::string(name.empty() ? "World" : name) + "!");
}

}  // namespace

TEST_CASE("a GET answers with the body and the headers the network would carry") {
    tern::App app;
    app.get("/", hello);
    tern::testing::Client tc{app};
    auto r = tc.get("/");
    CHECK(r.status() == 200);
    CHECK(r.reason() == "OK");
    CHECK(r.text() == "Hello, World!");
    CHECK(r.header("content-type") == "text/plain; charset=utf-8");
    CHECK(r.header("Content-Length") == "13");
    CHECK(r.header("SERVER") == "tern");
    CHECK(r.header("Date").size() == 29);
    CHECK(r.header("Connection").empty());
    CHECK(r.header("X-Absent").empty());
    CHECK(r.headers().size() == 4);
    CHECK(r.complete());
    CHECK(r.wire().starts_with("HTTP/1.1 200 OK\r\nServer: tern\r\n"));
    CHECK(r.wire().ends_with("\r\n\r\nHello, World!"));
}

TEST_CASE("path and query parameters reach the handler") {
    tern::App app;
    app.get("/hello/{name}", hello);
    app.get("/items/{id:int}", [](tern::Request& req) -> tern::Task<tern::Response> {
        co_return tern::Response::text(std::to_string(req.param<long>("id") * 2) + std::string(req.query("tag")));
    });
    tern::testing::Client tc{app};
    CHECK(tc.get("/hello/a%20b").text() == "Hello, a b!");
    CHECK(tc.get("/items/21?tag=x").text() == "42x");
    CHECK(tc.get("/items/abc").status() == 404);
}

TEST_CASE("an unknown path is 404 and a known one with the wrong method 405 with Allow") {
    tern::App app;
    app.get("/", hello);
    app.post("/", hello);
    tern::testing::Client tc{app};
    auto missing = tc.get("/nope");
    CHECK(missing.status() == 404);
    CHECK(missing.json()["detail"].as_string() == "Not Found");
    auto wrong = tc.delete_("/");
    CHECK(wrong.status() == 405);
    CHECK(wrong.header("Allow") == "GET, HEAD, POST, OPTIONS");
}

TEST_CASE("HEAD gets the GET route's headers, Content-Length included, and no body") {
    tern::App app;
    app.get("/", hello);
    tern::testing::Client tc{app};
    auto r = tc.head("/");
    CHECK(r.status() == 200);
    CHECK(r.header("Content-Length") == "13");
    CHECK(r.text().empty());
    CHECK(r.wire().ends_with("\r\n\r\n"));
}

TEST_CASE("middleware runs around the handler, in order, for 404s too") {
    tern::App app;
    app.use([](tern::Request& req, tern::Next next) -> tern::Task<tern::Response> {
        auto res = co_await next(req);
        res.header("X-Outer", std::string(req.path()));
        co_return res;
    });
    app.use([](tern::Request& req, tern::Next next) -> tern::Task<tern::Response> {
        if (req.header("X-Token") == "stop") co_return tern::Response::text("stopped").status(401);
        co_return co_await next(req);
    });
    app.get("/", hello);
    tern::testing::Client tc{app};
    CHECK(tc.get("/").header("X-Outer") == "/");
    CHECK(tc.get("/missing").header("X-Outer") == "/missing");
    auto stopped = tc.get("/", {{"X-Token", "stop"}});
    CHECK(stopped.status() == 401);
    CHECK(stopped.text() == "stopped");
    CHECK(stopped.header("X-Outer") == "/");
}

TEST_CASE("a thrown HttpError becomes its status and detail, anything else a 500") {
    tern::App app;
    app.get("/secret", [](tern::Request&) -> tern::Task<tern::Response> {
        throw tern::HttpError(403, "no entry");
        co_return tern::Response::text("unreachable");
    });
    app.get("/boom", [](tern::Request&) -> tern::Task<tern::Response> {
        throw std::runtime_error("kaboom");
        co_return tern::Response::text("unreachable");
    });
    tern::testing::Client tc{app};
    auto secret = tc.get("/secret");
    CHECK(secret.status() == 403);
    CHECK(secret.text() == R"({"detail":"no entry"})");
    auto boom = tc.get("/boom");
    CHECK(boom.status() == 500);
    CHECK(boom.text() == R"({"detail":"Internal Server Error"})");
}

TEST_CASE("a JSON model goes in and comes back out, with 400 and 422 for bad bodies") {
    tern::App app;
    app.post("/pens", [](tern::Request& req) -> tern::Task<tern::Response> {
        auto pen = req.json<Pen>();
        pen.price *= 2;
        co_return tern::Response::json(pen).status(201).header("X-Type", req.header("Content-Type"));
    });
    tern::testing::Client tc{app};
    auto created = tc.post("/pens", R"({"name":"pen","price":1})");
    CHECK(created.status() == 201);
    CHECK(created.header("X-Type") == "application/json");
    CHECK(created.header("Content-Type") == "application/json");
    CHECK(created.json<Pen>().name == "pen");
    CHECK(created.json<Pen>().price == 2);
    CHECK(tc.post_json("/pens", Pen{.name = "ink", .price = 3}).json<Pen>().price == 6);
    CHECK(tc.post("/pens", "{not json").status() == 400);
    CHECK(tc.post("/pens", R"({"name":1})").status() == 422);
}

TEST_CASE("a body that is not JSON goes without a Content-Type unless one is given") {
    tern::App app;
    app.put("/echo", [](tern::Request& req) -> tern::Task<tern::Response> {
        co_return tern::Response::text(std::string(req.header("Content-Type")) + "|" + std::string(req.body()));
    });
    app.patch("/echo", [](tern::Request& req) -> tern::Task<tern::Response> {
        co_return tern::Response::text(std::string(req.header("Content-Length")));
    });
    tern::testing::Client tc{app};
    CHECK(tc.put("/echo", "a=1").text() == "|a=1");
    CHECK(tc.put("/echo", "a=1", {{"Content-Type", "application/x-www-form-urlencoded"}}).text() ==
          "application/x-www-form-urlencoded|a=1");
    CHECK(tc.patch("/echo", "").text() == "0");
}

TEST_CASE("request() sends any method with its headers and body") {
    tern::App app;
    app.route("PURGE", "/cache", [](tern::Request& req) -> tern::Task<tern::Response> {
        co_return tern::Response::text(std::string(req.method()) + " " + std::string(req.host()) + " " +
                                       std::string(req.header("X-Key")) + " " + std::string(req.body()));
    });
    tern::testing::Client tc{app};
    CHECK(tc.request("PURGE", "/cache", {{"X-Key", "k"}}, "all").text() == "PURGE testserver k all");
    CHECK(tc.request("PURGE", "/cache", {{"Host", "example.com"}}).text() == "PURGE example.com  ");
}

TEST_CASE("a streamed response is collected whole, de-chunked") {
    tern::App app;
    app.get("/count", [](tern::Request&) -> tern::Task<tern::Response> {
        co_return tern::Response::stream(
            []() -> tern::Generator<std::string> {
                for (int i = 0; i < 3; ++i) co_yield std::to_string(i) + ",";
            }(),
            "text/csv");
    });
    tern::testing::Client tc{app};
    auto r = tc.get("/count");
    CHECK(r.status() == 200);
    CHECK(r.header("Transfer-Encoding") == "chunked");
    CHECK(r.header("Content-Length").empty());
    CHECK(r.header("Content-Type") == "text/csv");
    CHECK(r.text() == "0,1,2,");
    CHECK(r.complete());
    CHECK(r.wire().ends_with("2\r\n2,\r\n0\r\n\r\n"));
    auto head = tc.head("/count");
    CHECK(head.status() == 200);
    CHECK(head.text().empty());
}

TEST_CASE("a stream that throws midway comes back incomplete, as a client would see it") {
    tern::App app;
    app.get("/broken", [](tern::Request&) -> tern::Task<tern::Response> {
        co_return tern::Response::stream([]() -> tern::Generator<std::string> {
            co_yield "part";
            throw std::runtime_error("disk gone");
        }());
    });
    tern::testing::Client tc{app};
    auto r = tc.get("/broken");
    CHECK(r.status() == 200);
    CHECK(r.text() == "part");
    CHECK_FALSE(r.complete());
}

TEST_CASE("a call from inside a tern loop is refused") {
    tern::App app;
    app.get("/", hello);
    tern::testing::Client tc{app};
    CHECK_THROWS_AS(tern::run([&]() -> tern::Task<void> {
                        (void)tc.get("/");
                        co_return;
                    }()),
                    std::logic_error);
}
