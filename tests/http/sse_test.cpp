// Server-Sent Events: the wire format, the heartbeat, Last-Event-ID, and a client leaving.
#include <tern/http/sse.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include <tern/core/time.hpp>
#include <tern/http/app.hpp>

#include "support/http_client.hpp"

using namespace std::chrono_literals;
using tern::sse::Event;
using tern::testing::RawClient;
using tern::testing::TestServer;

TEST_CASE("an event is its fields, one data line per line of data, and a blank line") {
    CHECK(tern::sse::format({.data = "hello"}) == "data: hello\n\n");
    CHECK(tern::sse::format({.data = "1", .event = "tick", .id = "7", .retry = 1500ms}) ==
          "event: tick\nid: 7\nretry: 1500\ndata: 1\n\n");
    // LF, CRLF and CR all split lines, as the browser splits them.
    CHECK(tern::sse::format({.data = "a\nb\r\nc\rd"}) == "data: a\ndata: b\ndata: c\ndata: d\n\n");
    CHECK(tern::sse::format({.data = "trailing\n"}) == "data: trailing\ndata: \n\n");
    CHECK(tern::sse::format({.data = ""}) == "data: \n\n");
}

TEST_CASE("an event name or id with a line break is refused: it would forge fields") {
    CHECK_THROWS_AS(tern::sse::format({.data = "x", .event = "a\nid: 1"}), std::invalid_argument);
    CHECK_THROWS_AS(tern::sse::format({.data = "x", .id = "1\r"}), std::invalid_argument);
    CHECK_THROWS_AS(tern::sse::format({.data = "x", .id = std::string("1\0", 2)}), std::invalid_argument);
}

TEST_CASE("an event stream is text/event-stream, unbuffered, and events arrive as they are yielded") {
    tern::App app;
    app.get("/events", [](tern::Request& req) -> tern::Task<tern::Response> {
        int start = 0;
        if (auto last = tern::sse::last_event_id(req); !last.empty()) start = std::stoi(std::string(last)) + 1;
        co_return tern::sse::response([](int first) -> tern::Generator<Event> {
            for (int i = first; i < first + 2; ++i) {
                co_await tern::sleep(1ms);
                // Named first: g++ 12 miscompiles `co_yield Event{...}` (README, "Compilers").
                Event event{.data = std::to_string(i), .event = "tick", .id = std::to_string(i)};
                co_yield event;
            }
        }(start));
    });
    TestServer server{app};
    auto res = tern::testing::request(server.port(), "GET /events HTTP/1.1\r\nHost: t\r\n\r\n");
    REQUIRE(res);
    CHECK(res->header("Content-Type") == "text/event-stream");
    CHECK(res->header("Cache-Control") == "no-cache");
    CHECK(res->header("X-Accel-Buffering") == "no");
    CHECK(res->body == "event: tick\nid: 0\ndata: 0\n\nevent: tick\nid: 1\ndata: 1\n\n");
    // A reconnecting client sends the last id it saw; the handler resumes after it.
    auto resumed = tern::testing::request(server.port(), "GET /events HTTP/1.1\r\nHost: t\r\nLast-Event-ID: 1\r\n\r\n");
    REQUIRE(resumed);
    CHECK(resumed->body.starts_with("event: tick\nid: 2\ndata: 2\n\n"));
}

TEST_CASE("a quiet stream sends a heartbeat comment, and leaving it destroys the generator") {
    std::atomic<bool> destroyed{false};
    struct SetOnDestroy {
        std::atomic<bool>& flag;
        ~SetOnDestroy() { flag = true; }
    };
    tern::App app;
    app.get("/quiet", [&](tern::Request&) -> tern::Task<tern::Response> {
        co_return tern::sse::response(
            [](std::atomic<bool>& flag) -> tern::Generator<Event> {
                SetOnDestroy guard{flag};
                Event first{.data = "first"};
                co_yield first;
                co_await tern::sleep(1h);
                co_yield first;
            }(destroyed),
            {.heartbeat = 30ms});
    });
    TestServer server{app};
    {
        RawClient client{server.port()};
        client.send("GET /quiet HTTP/1.1\r\nHost: t\r\n\r\n");
        REQUIRE(client.read_until("data: first\n\n"));
        REQUIRE(client.read_until(": heartbeat\n\n"));
        REQUIRE(client.read_until(": heartbeat\n\n"));   // and again: one per quiet period
    }
    tern::testing::Stopwatch clock;
    while (!destroyed && clock.elapsed() < 5s) std::this_thread::sleep_for(5ms);
    CHECK(destroyed);
}

TEST_CASE("an event stream whose generator throws ends without the last chunk") {
    tern::App app;
    app.get("/broken", [](tern::Request&) -> tern::Task<tern::Response> {
        co_return tern::sse::response([]() -> tern::Generator<Event> {
            Event one{.data = "one"};
            co_yield one;
            throw std::runtime_error("feed lost");
        }());
    });
    TestServer server{app};
    RawClient client{server.port()};
    client.send("GET /broken HTTP/1.1\r\nHost: t\r\n\r\n");
    std::string const all = client.read_to_close();
    CHECK(all.find("data: one\n\n") != std::string::npos);
    CHECK(all.find("\r\n0\r\n\r\n") == std::string::npos);
}

TEST_CASE("a drain ends an event stream at once and cleanly, instead of waiting out the grace period") {
    tern::App app;
    app.get("/forever", [](tern::Request&) -> tern::Task<tern::Response> {
        co_return tern::sse::response([]() -> tern::Generator<Event> {
            for (int i = 0;; ++i) {
                Event event{.data = std::to_string(i)};
                co_yield event;
                co_await tern::sleep(20ms);
            }
        }());
    });
    auto options = TestServer::defaults();
    options.grace_period = 5s;
    auto server = std::make_unique<TestServer>(app, options);
    RawClient client{server->port()};
    client.send("GET /forever HTTP/1.1\r\nHost: t\r\n\r\n");
    REQUIRE(client.read_until("data: 2\n\n"));
    tern::testing::Stopwatch clock;
    server->stop();
    CHECK(clock.elapsed() < 2s);                        // not the 5 s grace period
    std::string const rest = client.read_to_close();
    CHECK(rest.ends_with("\r\n0\r\n\r\n"));              // the last chunk: a clean end
}
