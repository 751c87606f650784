// A request's deadline and its client leaving: past the deadline the handler is cancelled and
// the client gets 504 (unless the handler answered otherwise); a caller may send its own
// deadline, which tern's client passes on; a client that leaves cancels its handler, unless the
// route must finish what it started.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include <tern/core/loop.hpp>
#include <tern/core/time.hpp>
#include <tern/http/app.hpp>
#include <tern/http/client/client.hpp>
#include <tern/http/deadline.hpp>
#include <tern/testing.hpp>

#include "support/http_client.hpp"

using namespace std::chrono_literals;
using tern::Task;
using tern::testing::RawClient;
using Clock = std::chrono::steady_clock;

namespace {

// Counts how its handlers ended, and when their last cleanup ran.
struct Ledger {
    std::atomic<int> finished{0};
    std::atomic<int> cancelled{0};
    std::atomic<std::int64_t> last_cleanup_ns{0};
};

// Runs in a handler's frame: its destructor is the handler's last cleanup.
struct Cleanup {
    Ledger& ledger;
    ~Cleanup() { ledger.last_cleanup_ns = Clock::now().time_since_epoch().count(); }
};

Task<tern::Response> slow(Ledger& ledger, std::chrono::milliseconds ms) {
    Cleanup cleanup{ledger};
    try {
        co_await tern::sleep(ms);
    } catch (tern::CancelledError const&) {
        ++ledger.cancelled;
        throw;
    }
    ++ledger.finished;
    co_return tern::Response::text("done");
}

struct Service {
    Service() {
        app.get("/slow/{ms:int}", [this](tern::Request& req) { return slow(ledger, std::chrono::milliseconds(req.param<int>("ms"))); },
                {.timeout = 200ms});
        app.get("/server/{ms:int}", [this](tern::Request& req) { return slow(ledger, std::chrono::milliseconds(req.param<int>("ms"))); });
        app.get("/graceful", [](tern::Request&) -> Task<tern::Response> {
            try {
                co_await tern::sleep(5s);
            } catch (tern::CancelledError const&) {
            }
            co_return tern::Response::text("partial answer").status(200);
        }, {.timeout = 100ms});
        app.get("/must-finish", [this](tern::Request&) { return slow(ledger, 400ms); }, {.finish_on_disconnect = true});
        app.get("/left", [this](tern::Request&) -> Task<tern::Response> {
            auto const when = co_await tern::current_deadline();
            if (!when) co_return tern::Response::text("none");
            auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(*when - Clock::now()).count();
            co_return tern::Response::text(std::to_string(left));
        });
        app.get("/header", [](tern::Request& req) -> Task<tern::Response> {
            co_return tern::Response::text(std::string(req.header(tern::deadline_header)));
        });
    }
    Ledger ledger;
    tern::App app;
};

std::string get(std::uint16_t port, std::string const& path, std::string const& extra = "") {
    RawClient client{port};
    client.send("GET " + path + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n");
    auto res = client.read_response();
    return res ? std::to_string(res->status) + " " + res->body : "no response";
}

bool eventually(std::function<bool()> const& condition, std::chrono::milliseconds limit = 3s) {
    auto const until = Clock::now() + limit;
    while (Clock::now() < until) {
        if (condition()) return true;
        std::this_thread::sleep_for(5ms);
    }
    return condition();
}

}  // namespace

TEST_CASE_FIXTURE(Service, "a route's deadline cancels its handler and answers 504; within it the handler answers") {
    tern::testing::Server server{app};
    CHECK(get(server.port(), "/slow/10") == "200 done");
    auto const started = Clock::now();
    std::string const late = get(server.port(), "/slow/5000");
    CHECK(late.starts_with("504 "));
    CHECK(late.find("deadline of 200 ms") != std::string::npos);
    CHECK(Clock::now() - started < 2s);
    CHECK(eventually([&] { return ledger.cancelled == 1; }));
}

TEST_CASE_FIXTURE(Service, "a handler that catches the cancellation and answers otherwise is answered as it says") {
    tern::testing::Client tc{app};
    auto res = tc.get("/graceful");
    CHECK(res.status() == 200);
    CHECK(res.text() == "partial answer");
}

TEST_CASE_FIXTURE(Service, "the server's request_timeout applies to every route; a route's nearer deadline wins") {
    tern::ServerOptions options = tern::testing::Server::defaults();
    options.request_timeout = 300ms;
    tern::testing::Server server{app, options};
    CHECK(get(server.port(), "/server/5000").find("deadline of 300 ms") != std::string::npos);
    CHECK(get(server.port(), "/slow/5000").find("deadline of 200 ms") != std::string::npos);
    int const left = std::stoi(get(server.port(), "/left").substr(4));
    CHECK(left <= 300);
    CHECK(left > 100);
}

TEST_CASE_FIXTURE(Service, "a caller's deadline header is honoured up to max_caller_timeout, and ignored by default") {
    {
        tern::testing::Server server{app};   // max_caller_timeout 0: the header means nothing
        CHECK(get(server.port(), "/left", "X-Request-Timeout-Ms: 100\r\n") == "200 none");
    }
    tern::ServerOptions options = tern::testing::Server::defaults();
    options.max_caller_timeout = 1000ms;
    tern::testing::Server server{app, options};
    CHECK(get(server.port(), "/server/5000", "X-Request-Timeout-Ms: 150\r\n").find("deadline of 150 ms") != std::string::npos);
    int const capped = std::stoi(get(server.port(), "/left", "X-Request-Timeout-Ms: 999999\r\n").substr(4));
    CHECK(capped <= 1000);
    CHECK(get(server.port(), "/left", "X-Request-Timeout-Ms: soon\r\n") == "200 none");   // malformed: ignored
}

TEST_CASE_FIXTURE(Service, "tern's client sends the time left of its caller's deadline, so a chain shares one deadline") {
    tern::testing::Server upstream{app};
    tern::http::Client client;
    std::string const url = upstream.url("/header");
    std::string const sent = tern::run([](tern::http::Client& c, std::string u) -> Task<std::string> {
        Task<tern::http::ClientResponse> call = c.get(u);
        Task<tern::http::ClientResponse> bounded = tern::timeout(700ms, std::move(call));
        tern::http::ClientResponse res = co_await std::move(bounded);
        co_return res.text();
    }(client, url));
    REQUIRE_FALSE(sent.empty());
    CHECK(std::stoi(sent) <= 700);
    CHECK(std::stoi(sent) > 400);
    // Without a deadline, none is sent.
    CHECK(tern::run(client.get(url)).text().empty());
}

TEST_CASE_FIXTURE(Service, "a client that leaves cancels its handler at its current await") {
    tern::testing::Server server{app};
    {
        RawClient client{server.port()};
        client.send("GET /server/5000 HTTP/1.1\r\nHost: t\r\n\r\n");
        std::this_thread::sleep_for(100ms);   // the handler is asleep now
    }                                          // and the client closes its socket
    CHECK(eventually([&] { return ledger.cancelled == 1; }, 2s));
    CHECK(ledger.finished == 0);
    CHECK(get(server.port(), "/slow/1") == "200 done");   // the server goes on
}

TEST_CASE_FIXTURE(Service, "a route that must finish runs to its end after its client left") {
    tern::testing::Server server{app};
    {
        RawClient client{server.port()};
        client.send("GET /must-finish HTTP/1.1\r\nHost: t\r\n\r\n");
        std::this_thread::sleep_for(100ms);
    }
    CHECK(eventually([&] { return ledger.finished == 1; }, 3s));
    CHECK(ledger.cancelled == 0);
}

TEST_CASE_FIXTURE(Service, "a deadline-cancelled request releases its resources at once (figure for the note)") {
    tern::testing::Server server{app};
    auto const started = Clock::now();
    CHECK(get(server.port(), "/slow/5000").starts_with("504"));
    REQUIRE(eventually([&] { return ledger.last_cleanup_ns != 0; }));
    auto const deadline = started + 200ms;
    auto const held = std::chrono::nanoseconds(ledger.last_cleanup_ns.load()) - deadline.time_since_epoch();
    MESSAGE("from the deadline to the handler's last cleanup: " << std::chrono::duration<double, std::milli>(held).count() << " ms");
    CHECK(held < 100ms);
}
