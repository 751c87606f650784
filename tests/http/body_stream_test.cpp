// Request bodies handed over as they arrive (RouteOptions::stream_body) and per-route limits.
#include <tern/http/request.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>

#include <fmt/format.h>

#include <tern/http/app.hpp>

#include "support/http_client.hpp"

using namespace std::chrono_literals;
using tern::testing::RawClient;
using tern::testing::TestServer;
using tern::testing::request;

namespace {

constexpr std::size_t mib = 1024 * 1024;

// Counts the body's bytes and pieces as they arrive.
tern::Task<tern::Response> count_body(tern::Request& req) {
    auto& body = req.body_stream();
    std::size_t bytes = 0;
    std::size_t pieces = 0;
    unsigned checksum = 0;
    while (auto piece = co_await body.next()) {
        bytes += piece->size();
        ++pieces;
        for (unsigned char c : *piece) checksum = checksum * 31 + c;
    }
    co_return tern::Response::text(fmt::format("{} {} {}", bytes, pieces > 1 ? "many" : "one", checksum));
}

std::string pattern_body(std::size_t size) {
    std::string body(size, '\0');
    for (std::size_t i = 0; i < size; ++i) body[i] = static_cast<char>('a' + i % 26);
    return body;
}

unsigned checksum_of(std::string_view body) {
    unsigned checksum = 0;
    for (unsigned char c : body) checksum = checksum * 31 + c;
    return checksum;
}

std::string post(std::string_view path, std::string_view body, std::string_view extra = "") {
    return fmt::format("POST {} HTTP/1.1\r\nHost: t\r\nContent-Length: {}\r\n{}\r\n{}", path, body.size(), extra, body);
}

}  // namespace

TEST_CASE("a streaming route reads a body larger than the server's limit piece by piece") {
    tern::App app;
    app.post("/upload", count_body, {.max_body = 64 * mib, .stream_body = true});
    TestServer server{app};
    std::string const body = pattern_body(5 * mib);
    auto res = request(server.port(), post("/upload", body));
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == fmt::format("{} many {}", body.size(), checksum_of(body)));
}

TEST_CASE("a streamed chunked body arrives de-chunked") {
    tern::App app;
    app.post("/upload", count_body, {.stream_body = true});
    TestServer server{app};
    auto res = request(server.port(),
                       "POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
    REQUIRE(res);
    CHECK(res->body == fmt::format("11 {} {}", res->body.find("many") != std::string::npos ? "many" : "one",
                                   checksum_of("hello world")));
}

TEST_CASE("the handler gets the first piece before the client has sent the rest") {
    std::atomic<bool> first_piece{false};
    tern::App app;
    app.post("/upload", [&](tern::Request& req) -> tern::Task<tern::Response> {
        auto& body = req.body_stream();
        std::size_t bytes = 0;
        while (auto piece = co_await body.next()) {
            bytes += piece->size();
            first_piece = true;
        }
        co_return tern::Response::text(std::to_string(bytes));
    }, {.stream_body = true});
    TestServer server{app};
    RawClient client{server.port()};
    client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nfirst");
    tern::testing::Stopwatch clock;
    while (!first_piece && clock.elapsed() < 5s) std::this_thread::sleep_for(2ms);
    REQUIRE(first_piece);
    client.send("-rest");
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->body == "10");
}

TEST_CASE("a Content-Length over the route's limit is 413 before the handler runs") {
    std::atomic<bool> ran{false};
    tern::App app;
    app.post("/upload", [&](tern::Request& req) -> tern::Task<tern::Response> {
        ran = true;
        co_return co_await count_body(req);
    }, {.max_body = 1000, .stream_body = true});
    TestServer server{app};
    RawClient client{server.port()};
    client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n");
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->status == 413);
    CHECK(res->body.find("1001") != std::string::npos);
    CHECK(client.closed_by_peer());
    CHECK_FALSE(ran);
}

TEST_CASE("a chunked body that grows past the route's limit is 413 from the stream, and the connection closes") {
    tern::App app;
    app.post("/upload", count_body, {.max_body = 8, .stream_body = true});
    TestServer server{app};
    RawClient client{server.port()};
    client.send("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
    client.send("5\r\nworld\r\n0\r\n\r\n");
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->status == 413);
    CHECK(res->body.find("8-byte limit") != std::string::npos);
    CHECK(client.closed_by_peer());
}

TEST_CASE("a route's own max_body raises the limit for it alone; buffered, the handler sees body()") {
    tern::App app;
    app.post("/big", [](tern::Request& req) -> tern::Task<tern::Response> {
        co_return tern::Response::text(std::to_string(req.body().size()));
    }, {.max_body = 3 * mib});
    app.post("/small", [](tern::Request& req) -> tern::Task<tern::Response> {
        co_return tern::Response::text(std::to_string(req.body().size()));
    });
    TestServer server{app};   // max_body 1 MiB
    std::string const body(2 * mib, 'x');
    auto big = request(server.port(), post("/big", body));
    REQUIRE(big);
    CHECK(big->status == 200);
    CHECK(big->body == std::to_string(2 * mib));
    auto small = request(server.port(), post("/small", body));
    REQUIRE(small);
    CHECK(small->status == 413);
}

TEST_CASE("after a streamed body read to its end, the connection serves the next request") {
    tern::App app;
    app.post("/upload", count_body, {.stream_body = true});
    TestServer server{app};
    RawClient client{server.port()};
    client.send(post("/upload", "abc") + post("/upload", "defg"));
    auto first = client.read_response();
    auto second = client.read_response();
    REQUIRE(first);
    REQUIRE(second);
    CHECK(first->body.starts_with("3 "));
    CHECK(second->body.starts_with("4 "));
}

TEST_CASE("a handler that leaves a streamed body unread gets its answer sent, then the connection closes") {
    tern::App app;
    app.post("/ignore", [](tern::Request&) -> tern::Task<tern::Response> {
        co_return tern::Response::text("not reading that");
    }, {.stream_body = true});
    TestServer server{app};
    RawClient client{server.port()};
    client.send("POST /ignore HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\nsome of it");
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "not reading that");
    CHECK(client.closed_by_peer());
}

TEST_CASE("a client that stops sending mid-body gets 408 from the stream") {
    tern::App app;
    app.post("/upload", count_body, {.stream_body = true});
    auto options = TestServer::defaults();
    options.body_timeout = 200ms;
    TestServer server{app, options};
    RawClient client{server.port()};
    client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\npartial");
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->status == 408);
}

TEST_CASE("Expect: 100-continue on a streaming route gets its 100 before the body is read") {
    tern::App app;
    app.post("/upload", count_body, {.stream_body = true});
    TestServer server{app};
    RawClient client{server.port()};
    client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
    auto interim = client.read_until("\r\n\r\n");
    REQUIRE(interim);
    CHECK(interim->starts_with("HTTP/1.1 100 Continue"));
    client.send("data");
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->body.starts_with("4 "));
}

TEST_CASE("body_stream of a buffered route gives the whole body as one piece") {
    tern::App app;
    app.post("/echo", count_body);
    TestServer server{app};
    auto res = request(server.port(), post("/echo", "hello"));
    REQUIRE(res);
    CHECK(res->body == fmt::format("5 one {}", checksum_of("hello")));
}

TEST_CASE("a client still sending a refused body gets the 413, not a reset (lingering close)") {
    // Closing with unread input makes the kernel send RST, which destroys the response the
    // client has not read yet; the server sends FIN and reads on for a while instead.
    tern::App app;
    app.post("/small", [](tern::Request& req) -> tern::Task<tern::Response> {
        co_return tern::Response::text(std::to_string(req.body().size()));
    });
    TestServer server{app};   // max_body 1 MiB
    RawClient client{server.port()};
    std::string const body(6 * mib, 'x');
    CHECK(client.send(post("/small", body)));   // the whole body, as a naive client does
    auto res = client.read_response();
    REQUIRE(res);
    CHECK(res->status == 413);
}
