// The test client on what only the bytes show: parser refusals, limits, files, streamed request
// bodies, 100 Continue, HTTP/1.0.
#include <tern/testing/client.hpp>

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include <tern/core/fs.hpp>

namespace {

tern::Task<tern::Response> echo(tern::Request& req) { co_return tern::Response::text(std::string(req.body())); }

}  // namespace

TEST_CASE("malformed bytes get the parser's 400, with Connection: close") {
    tern::App app;
    app.get("/", echo);
    tern::testing::Client tc{app};
    auto r = tc.send_raw("GET / HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n");
    CHECK(r.status() == 400);
    CHECK(r.header("Connection") == "close");
    CHECK(r.json()["detail"].as_string().size() > 0);
    CHECK(tc.send_raw("GET / HTTP/1.1\r\n\r\n").status() == 400);   // no Host
}

TEST_CASE("a header the parser refuses, given to request(), comes back as the server's 400") {
    tern::App app;
    app.get("/", echo);
    tern::testing::Client tc{app};
    CHECK(tc.get("/", {{"X-Split", "a\r\nInjected: yes"}, {"Bad Name", "x"}}).status() == 400);
}

TEST_CASE("send_raw answers well-formed bytes as the connection would, keep-alive rules included") {
    tern::App app;
    app.get("/", echo);
    tern::testing::Client tc{app};
    auto close = tc.send_raw("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    CHECK(close.status() == 200);
    CHECK(close.header("Connection") == "close");
    auto old = tc.send_raw("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    CHECK(old.status() == 200);
    CHECK(old.header("Connection") == "keep-alive");
    CHECK_THROWS_AS(tc.send_raw("GET / HTTP/1.1\r\nHost: t\r\n"), std::invalid_argument);
}

TEST_CASE("the server's limits apply: 413 for a body, 431 for headers, 414 for a long target") {
    tern::App app;
    app.post("/", echo);
    app.options().max_body = 10;
    app.options().max_header_bytes = 256;
    tern::testing::Client tc{app};
    CHECK(tc.post("/", "short").text() == "short");
    CHECK(tc.post("/", std::string(11, 'x')).status() == 413);
    CHECK(tc.post("/", "", {{"X-Big", std::string(300, 'a')}}).status() == 431);
    CHECK(tc.get("/" + std::string(9000, 'a')).status() == 414);
}

TEST_CASE("a route's own body limit and streamed body are honoured") {
    tern::App app;
    app.post("/big", echo, {.max_body = 100});
    app.post("/stream", [](tern::Request& req) -> tern::Task<tern::Response> {
        std::string all;
        auto& body = req.body_stream();
        for (;;) {
            std::optional<std::string_view> piece = co_await body.next();
            if (!piece) break;
            all += *piece;
        }
        co_return tern::Response::text(std::string(req.body_streamed() ? "streamed:" : "buffered:") + all);
    }, {.stream_body = true});
    app.options().max_body = 10;
    tern::testing::Client tc{app};
    CHECK(tc.post("/big", std::string(50, 'x')).status() == 200);
    CHECK(tc.post("/big", std::string(101, 'x')).status() == 413);
    CHECK(tc.post("/stream", "abc").text() == "streamed:abc");
}

TEST_CASE("Expect: 100-continue gets its interim response before the answer") {
    tern::App app;
    app.post("/", echo);
    tern::testing::Client tc{app};
    auto r = tc.post("/", "body", {{"Expect", "100-continue"}});
    CHECK(r.status() == 200);
    CHECK(r.text() == "body");
    CHECK(r.wire().starts_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"));
}

TEST_CASE("a file response is read whole, with its validators, 304 and ranges") {
    std::string const path = "/tmp/tern_testing_client_file.txt";
    std::ofstream{path} << "0123456789";
    tern::App app;
    app.get("/file", [path](tern::Request&) -> tern::Task<tern::Response> { co_return tern::Response::file(path); });
    app.get("/missing", [](tern::Request&) -> tern::Task<tern::Response> {
        co_return tern::Response::file("/tmp/tern_testing_no_such_file");
    });
    tern::testing::Client tc{app};
    auto r = tc.get("/file");
    CHECK(r.status() == 200);
    CHECK(r.text() == "0123456789");
    CHECK(r.header("Content-Type") == "text/plain; charset=utf-8");
    CHECK(r.header("Content-Length") == "10");
    REQUIRE_FALSE(r.header("ETag").empty());
    CHECK(tc.get("/file", {{"If-None-Match", std::string(r.header("ETag"))}}).status() == 304);
    auto part = tc.get("/file", {{"Range", "bytes=2-4"}});
    CHECK(part.status() == 206);
    CHECK(part.text() == "234");
    CHECK(tc.head("/file").header("Content-Length") == "10");
    CHECK(tc.get("/missing").status() == 404);
    std::remove(path.c_str());
}

TEST_CASE("on_sent callbacks learn how the body went") {
    tern::App app;
    tern::Delivery seen;
    app.get("/", [&seen](tern::Request&) -> tern::Task<tern::Response> {
        co_return tern::Response::stream([]() -> tern::Generator<std::string> { co_yield "abcd"; }())
            .on_sent([&seen](tern::Delivery const& d) { seen = d; });
    });
    tern::testing::Client tc{app};
    CHECK(tc.get("/").text() == "abcd");
    CHECK(seen.status == 200);
    CHECK(seen.body_bytes == 4);
    CHECK(seen.complete);
}
