// Response::stream: bodies written chunk by chunk as a generator yields them.
#include <tern/http/response.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include <tern/core/event.hpp>
#include <tern/core/time.hpp>
#include <tern/http/access_log.hpp>
#include <tern/http/app.hpp>

#include "support/http_client.hpp"
#include "support/log_capture.hpp"

using namespace std::chrono_literals;
using tern::testing::RawClient;
using tern::testing::TestServer;
using tern::testing::request;

namespace {

tern::Generator<std::string> count_to(int n) {
    for (int i = 0; i < n; ++i) {
        co_await tern::sleep(1ms);
        co_yield std::to_string(i) + "\n";
    }
}

// Sets `flag` when the generator's frame is destroyed: its RAII cleanups ran.
struct SetOnDestroy {
    std::atomic<bool>& flag;
    ~SetOnDestroy() { flag = true; }
};

bool eventually(std::atomic<bool> const& flag, std::chrono::milliseconds limit = 5s) {
    tern::testing::Stopwatch clock;
    while (!flag && clock.elapsed() < limit) std::this_thread::sleep_for(5ms);
    return flag;
}

}  // namespace

TEST_CASE("a streamed body goes out chunked to an HTTP/1.1 client, each chunk as it is yielded") {
    tern::App app;
    app.get("/ticks", [](tern::Request&) -> tern::Task<tern::Response> {
        co_return tern::Response::stream(count_to(3), "text/plain");
    });
    TestServer server{app};
    auto res = request(server.port(), "GET /ticks HTTP/1.1\r\nHost: t\r\n\r\n");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->header("Transfer-Encoding") == "chunked");
    CHECK(res->header("Content-Length") == "");
    CHECK(res->header("Content-Type") == "text/plain");
    CHECK(res->body == "0\n1\n2\n");
}

TEST_CASE("the first chunk reaches the client before the generator goes on") {
    // The generator waits for the test to have read its first chunk: if chunks were buffered
    // until the end, the test would time out instead.
    std::atomic<bool> first_read{false};
    tern::App app;
    app.get("/wait", [&](tern::Request&) -> tern::Task<tern::Response> {
        co_return tern::Response::stream([](std::atomic<bool>& seen) -> tern::Generator<std::string> {
            co_yield "first-chunk";
            while (!seen) co_await tern::sleep(2ms);
            co_yield "second-chunk";
        }(first_read));
    });
    TestServer server{app};
    RawClient client{server.port()};
    client.send("GET /wait HTTP/1.1\r\nHost: t\r\n\r\n");
    REQUIRE(client.read_until("first-chunk"));
    first_read = true;
    auto rest = client.read_until("0\r\n\r\n");
    REQUIRE(rest);
    CHECK(rest->find("second-chunk") != std::string::npos);
}

TEST_CASE("an HTTP/1.0 client gets the streamed body close-delimited") {
    tern::App app;
    app.get("/ticks", [](tern::Request&) -> tern::Task<tern::Response> {
        co_return tern::Response::stream(count_to(3));
    });
    TestServer server{app};
    RawClient client{server.port()};
    client.send("GET /ticks HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    std::string const all = client.read_to_close();
    CHECK(all.find("Transfer-Encoding") == std::string::npos);
    CHECK(all.find("Content-Length") == std::string::npos);
    CHECK(all.find("Connection: close\r\n") != std::string::npos);
    CHECK(all.ends_with("\r\n\r\n0\n1\n2\n"));
}

TEST_CASE("HEAD of a streamed route sends the head and never runs the generator") {
    std::atomic<bool> ran{false};
    tern::App app;
    app.get("/ticks", [&](tern::Request&) -> tern::Task<tern::Response> {
        co_return tern::Response::stream([](std::atomic<bool>& flag) -> tern::Generator<std::string> {
            flag = true;
            co_yield "x";
        }(ran));
    });
    TestServer server{app};
    RawClient client{server.port()};
    client.send("HEAD /ticks HTTP/1.1\r\nHost: t\r\n\r\n");
    auto res = client.read_response(/*head_request=*/true);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->header("Transfer-Encoding") == "chunked");
    CHECK(res->body.empty());
    // The connection stays usable: the next request is answered.
    client.send("GET /ticks HTTP/1.1\r\nHost: t\r\n\r\n");
    auto next = client.read_response();
    REQUIRE(next);
    CHECK(next->body == "x");
    CHECK(ran);
}

TEST_CASE("a client that leaves mid-stream ends it: the generator is destroyed while it waits") {
    std::atomic<bool> destroyed{false};
    std::atomic<bool> reported{false};
    std::atomic<bool> complete{true};
    tern::App app;
    app.get("/forever", [&](tern::Request&) -> tern::Task<tern::Response> {
        auto res = tern::Response::stream([](std::atomic<bool>& flag) -> tern::Generator<std::string> {
            SetOnDestroy guard{flag};
            co_yield "hello";
            co_await tern::sleep(1h);   // the client leaves during this wait
            co_yield "never";
        }(destroyed));
        res.on_sent([&](tern::Delivery const& d) {
            complete = d.complete;
            reported = true;
        });
        co_return res;
    });
    TestServer server{app};
    {
        RawClient client{server.port()};
        client.send("GET /forever HTTP/1.1\r\nHost: t\r\n\r\n");
        REQUIRE(client.read_until("hello"));
    }   // closed here
    CHECK(eventually(destroyed));
    CHECK(eventually(reported));
    CHECK_FALSE(complete);
}

TEST_CASE("a client that reads nothing holds back the generator: memory does not grow") {
    std::atomic<std::size_t> produced{0};
    tern::App app;
    app.get("/flood", [&](tern::Request&) -> tern::Task<tern::Response> {
        co_return tern::Response::stream([](std::atomic<std::size_t>& count) -> tern::Generator<std::string> {
            std::string const kib(1024, 'x');
            for (;;) {
                co_yield kib;
                ++count;
            }
        }(produced));
    });
    auto options = TestServer::defaults();
    options.stream_high_water = 16 * 1024;
    TestServer server{app, options};
    RawClient client{server.port()};
    client.send("GET /flood HTTP/1.1\r\nHost: t\r\n\r\n");
    // Once the kernel's buffers on both sides are full, the generator is no longer resumed.
    std::size_t before = 0;
    for (int i = 0; i < 100; ++i) {
        std::this_thread::sleep_for(50ms);
        if (produced == before && before > 0) break;
        before = produced;
    }
    std::this_thread::sleep_for(200ms);
    CHECK(produced == before);
    CHECK(produced * 1024 < 64u * 1024 * 1024);   // loopback buffers are a few MiB at most
    // Reading lets it go on.
    for (std::size_t taken = 0; taken < 1024 * 1024;) {
        auto const n = client.read_some(64 * 1024);
        if (n == 0) break;
        taken += n;
    }
    std::this_thread::sleep_for(200ms);
    CHECK(produced > before);
}

TEST_CASE("a generator that throws mid-way ends the body without its last chunk, and the server goes on") {
    tern::App app;
    app.get("/broken", [](tern::Request&) -> tern::Task<tern::Response> {
        co_return tern::Response::stream([]() -> tern::Generator<std::string> {
            co_yield "partial";
            throw std::runtime_error("the database went away");
        }());
    });
    app.get("/", [](tern::Request&) -> tern::Task<tern::Response> { co_return tern::Response::text("ok"); });
    tern::testing::LogCapture logs;
    TestServer server{app};
    RawClient client{server.port()};
    client.send("GET /broken HTTP/1.1\r\nHost: t\r\n\r\n");
    std::string const all = client.read_to_close();
    CHECK(all.find("partial") != std::string::npos);
    CHECK(all.find("0\r\n\r\n") == std::string::npos);   // no last chunk: visibly incomplete
    auto ok = request(server.port(), "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    REQUIRE(ok);
    CHECK(ok->body == "ok");
    server.stop();
    CHECK(logs.text().find("the database went away") != std::string::npos);
}

TEST_CASE("a request pipelined behind a streamed response is answered after it, in order") {
    tern::App app;
    app.get("/ticks", [](tern::Request&) -> tern::Task<tern::Response> {
        co_return tern::Response::stream(count_to(2));
    });
    app.get("/", [](tern::Request&) -> tern::Task<tern::Response> { co_return tern::Response::text("after"); });
    TestServer server{app};
    RawClient client{server.port()};
    client.send("GET /ticks HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n");
    auto first = client.read_response();
    auto second = client.read_response();
    REQUIRE(first);
    REQUIRE(second);
    CHECK(first->body == "0\n1\n");
    CHECK(second->body == "after");
}

TEST_CASE("the access log reports a streamed body's bytes once it has been sent") {
    tern::App app;
    app.use(tern::access_log());
    app.get("/ticks", [](tern::Request&) -> tern::Task<tern::Response> {
        co_return tern::Response::stream(count_to(3));
    });
    tern::testing::LogCapture logs;
    {
        TestServer server{app};
        auto res = request(server.port(), "GET /ticks HTTP/1.1\r\nHost: t\r\n\r\n");
        REQUIRE(res);
    }
    CHECK(logs.text().find("\"GET /ticks HTTP/1.1\" 200 6 ") != std::string::npos);
}
