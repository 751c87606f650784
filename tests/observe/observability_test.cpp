#include <tern/http/app.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <sstream>
#include <string>
#include <thread>

#include <tern/core/log.hpp>
#include <tern/http/request_id.hpp>
#include <tern/core/time.hpp>

#include "support/http_client.hpp"
#include "support/log_capture.hpp"

using namespace std::chrono_literals;
using tern::testing::LogCapture;
using tern::testing::RawClient;
using tern::testing::TestServer;
using tern::testing::request;

namespace {

tern::Task<tern::Response> fast(tern::Request&) { co_return tern::Response::text("ok"); }

// The mistake every asyncio guide warns about: a blocking call on the loop thread.
tern::Task<tern::Response> blocks_the_loop(tern::Request&) {
    std::this_thread::sleep_for(300ms);
    co_return tern::Response::text("late");
}

tern::ServerOptions strict_options() {
    auto options = TestServer::defaults();
    options.stall_threshold = 100ms;
    options.stall_mode = tern::StallMode::fail;
    return options;
}

std::size_t count_of(std::string const& text, std::string const& needle) {
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("a handler that blocks the loop is reported once, with the loop, the route and the request id") {
    LogCapture log;
    tern::App app;
    app.use(tern::request_id());
    app.get("/report/{id}", blocks_the_loop);
    auto options = TestServer::defaults();
    options.stall_threshold = 100ms;
    auto server = app.start(options);
    auto res = request(server->port(), "GET /report/7 HTTP/1.1\r\nHost: t\r\nX-Request-ID: abc-123\r\n\r\n");
    REQUIRE(res);
    CHECK(res->status == 200);
    std::this_thread::sleep_for(100ms);   // the watchdog notices the end of the stall on its next look
    CHECK(server->stalls() == 1);
    server->stop();
    auto const text = log.text();
    CHECK(count_of(text, "event loop stall:") == 1);
    CHECK(text.find("loop 0") != std::string::npos);
    CHECK(text.find("GET /report/{id}") != std::string::npos);
    CHECK(text.find("request id abc-123") != std::string::npos);
    CHECK(text.find("stall over") != std::string::npos);
}

TEST_CASE("strict mode turns a stall into an error when the server stops") {
    tern::App app;
    app.get("/slow", blocks_the_loop);
    auto server = app.start(strict_options());
    CHECK(request(server->port(), "GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")->status == 200);
    CHECK_THROWS_WITH_AS(server->stop(), doctest::Contains("GET /slow"), tern::StallError);
}

TEST_CASE("the stall report names the method whatever its length (its first 8 bytes)") {
    for (std::string const method : {"PUT", "PATCH", "DELETE", "M-SEARCH"}) {
        INFO(method);
        tern::App app;
        app.route(method, "/slow", tern::Handler(blocks_the_loop));
        auto server = app.start(strict_options());
        CHECK(request(server->port(), method + " /slow HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n")->status == 200);
        std::string const named = method + " /slow";
        CHECK_THROWS_WITH_AS(server->stop(), doctest::Contains(named.c_str()), tern::StallError);
    }
}

TEST_CASE("handlers that await instead of blocking cause no stall, even in strict mode") {
    tern::App app;
    app.get("/", fast);
    app.get("/sleepy", [](tern::Request&) -> tern::Task<tern::Response> {
        co_await tern::sleep(300ms);   // suspends: the loop goes on polling
        co_return tern::Response::text("rested");
    });
    auto server = app.start(strict_options());
    RawClient client{server->port()};
    for (int i = 0; i < 50; ++i) {
        client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        REQUIRE(client.read_response());
    }
    CHECK(request(server->port(), "GET /sleepy HTTP/1.1\r\nHost: t\r\n\r\n")->body == "rested");
    CHECK(server->stalls() == 0);
    CHECK_NOTHROW(server->stop());
}

TEST_CASE("/metrics counts requests by route and status and shows latency, connections and the pool") {
    tern::App app;
    app.get("/items/{id:int}", fast);
    app.enable_metrics();
    TestServer server{app};
    RawClient client{server.port()};
    for (int i = 0; i < 3; ++i) {
        client.send("GET /items/1 HTTP/1.1\r\nHost: t\r\n\r\n");
        REQUIRE(client.read_response());
    }
    client.send("GET /missing HTTP/1.1\r\nHost: t\r\n\r\n");
    REQUIRE(client.read_response());
    client.send("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n");
    auto metrics = client.read_response();
    REQUIRE(metrics);
    CHECK(metrics->status == 200);
    CHECK(metrics->header("Content-Type").find("text/plain; version=0.0.4") == 0);
    auto const& body = metrics->body;
    CHECK(body.find("tern_requests_total{route=\"/items/{id:int}\",status=\"200\"} 3\n") != std::string::npos);
    CHECK(body.find("tern_requests_total{route=\"(unmatched)\",status=\"404\"} 1\n") != std::string::npos);
    CHECK(body.find("tern_request_duration_seconds_count{route=\"/items/{id:int}\"} 3\n") != std::string::npos);
    CHECK(body.find("tern_request_duration_seconds_bucket{route=\"/items/{id:int}\",le=\"+Inf\"} 3\n") !=
          std::string::npos);
    CHECK(body.find("tern_open_connections 1\n") != std::string::npos);
    CHECK(body.find("tern_in_flight_requests 1\n") != std::string::npos);   // the scrape itself
    CHECK(body.find("tern_offload_rejected_total 0\n") != std::string::npos);
    CHECK(body.find("tern_loop_lag_seconds{loop=\"0\"}") != std::string::npos);
}

TEST_CASE("/healthz is ready while serving and turns unhealthy when a drain begins") {
    tern::App app;
    app.get("/slow", [](tern::Request&) -> tern::Task<tern::Response> {
        co_await tern::sleep(600ms);
        co_return tern::Response::text("done");
    });
    app.enable_metrics();
    auto server = app.start(TestServer::defaults());
    auto ready = request(server->port(), "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
    CHECK(ready->status == 200);
    CHECK(ready->body == R"({"status":"ok"})");

    RawClient slow{server->port()};
    slow.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");          // keeps the drain going
    RawClient probe{server->port()};
    probe.send("GET /healthz HTTP/1.1\r\nHost: t\r\n");          // not idle: a request has begun
    std::this_thread::sleep_for(100ms);
    std::thread stopper([&] { server->stop(); });
    std::this_thread::sleep_for(200ms);
    probe.send("\r\n");
    auto draining = probe.read_response();
    REQUIRE(draining);
    CHECK(draining->status == 503);
    CHECK(draining->body == R"({"status":"draining"})");
    CHECK(slow.read_response()->body == "done");
    stopper.join();
}
