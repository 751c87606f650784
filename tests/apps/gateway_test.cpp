// apps/gateway's /aggregate, served beside tern upstreams in this process: every upstream is
// called at once, so the answer takes about the slowest call, not the sum; a part that is slow,
// down or wrong is marked missing (206), and only a gateway with nothing to show answers 502.
#include "gateway.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include <tern/core/loop.hpp>
#include <tern/core/time.hpp>
#include <tern/net/tcp.hpp>
#include <tern/testing.hpp>

#include "support/http_client.hpp"   // Stopwatch

using namespace std::chrono_literals;
using tern::Task;

namespace {

// The services the gateway calls: a JSON answer after a delay, plain text, a failure, and a
// body that claims to be JSON and is not.
void add_upstream_routes(tern::App& app) {
    app.get("/after/{ms:int}", [](tern::Request& req) -> Task<tern::Response> {
        int const ms = req.param<int>("ms");
        co_await tern::sleep(std::chrono::milliseconds(ms));
        co_return tern::Response::json(tern::json::object({{"slept_ms", ms}}));
    });
    app.get("/text", [](tern::Request&) -> Task<tern::Response> { co_return tern::Response::text("plain words"); });
    app.get("/fail", [](tern::Request&) -> Task<tern::Response> { co_return tern::Response::text("down").status(503); });
    app.get("/broken", [](tern::Request&) -> Task<tern::Response> { co_return tern::Response::raw_json("{\"cut"); });
}

// A port nothing listens on: bound, then closed again.
std::uint16_t closed_port() {
    std::uint16_t port = 0;
    tern::run([](std::uint16_t& out) -> Task<> {
        tern::TcpListener listener = tern::TcpListener::bind("127.0.0.1", 0, false);
        out = listener.port();
        co_return;
    }(port));
    return port;
}

struct Upstreams {
    Upstreams() { add_upstream_routes(app); }
    tern::App app;
};

struct Deployment {
    Upstreams upstream;
    tern::testing::Server upstream_server{upstream.app};
    tern::http::Client client;   // before the gateway's app and server: they use it
    gateway::Config config;
    tern::App app;

    std::string url(std::string_view path) const { return upstream_server.url(path); }

    // The gateway's answer to /aggregate with these upstreams, through the test client.
    tern::testing::TestResponse aggregate(std::vector<gateway::Upstream> upstreams) {
        config.upstreams = std::move(upstreams);
        gateway::add_routes(app, config, client);
        tern::testing::Client tc{app};
        return tc.get("/aggregate");
    }
};

}  // namespace

TEST_CASE_FIXTURE(Deployment, "every part that came back is in the document; JSON as JSON, text as a string") {
    config.budget = 2000ms;
    auto const res = aggregate({{"fast", url("/after/1")}, {"words", url("/text")}});
    CHECK(res.status() == 200);
    auto const doc = res.json();
    CHECK(doc["fast"]["slept_ms"].as_int() == 1);
    CHECK(doc["words"].as_string() == "plain words");
    CHECK(doc["missing"].size() == 0);
}

TEST_CASE_FIXTURE(Deployment, "the fan-out takes about the slowest call, not the sum of them") {
    config.budget = 3000ms;
    tern::testing::Stopwatch watch;
    auto const res = aggregate({{"a", url("/after/200")}, {"b", url("/after/400")}, {"c", url("/after/600")}});
    auto const took = watch.elapsed();
    CHECK(res.status() == 200);
    CHECK(res.json()["c"]["slept_ms"].as_int() == 600);
    // One after the other they would take 1200 ms.
    CHECK(took >= 600ms);
    CHECK(took < 1100ms);
    CHECK(res.json()["elapsed_ms"].as_int() >= 600);
}

TEST_CASE_FIXTURE(Deployment, "an upstream slower than the budget is cut off at the budget and marked missing (206)") {
    config.budget = 300ms;
    tern::testing::Stopwatch watch;
    auto const res = aggregate({{"quick", url("/after/10")}, {"slow", url("/after/1500")}});
    CHECK(watch.elapsed() < 1200ms);
    CHECK(res.status() == 206);
    auto const doc = res.json();
    CHECK(doc["quick"]["slept_ms"].as_int() == 10);
    CHECK(doc["slow"].is_null());
    CHECK(doc["missing"]["slow"].as_string() == "no answer within 300 ms");
}

TEST_CASE_FIXTURE(Deployment, "an upstream that is down, failing or answering malformed JSON is a missing part that says why") {
    config.budget = 2000ms;
    std::string const down = "http://127.0.0.1:" + std::to_string(closed_port()) + "/x";
    auto const res = aggregate({{"ok", url("/text")}, {"down", down}, {"failing", url("/fail")}, {"broken", url("/broken")}});
    CHECK(res.status() == 206);
    auto const doc = res.json();
    CHECK(doc["ok"].as_string() == "plain words");
    std::string const refused = doc["missing"]["down"].as_string();
    CHECK(refused.find("refused") != std::string::npos);
    CHECK(refused.find(down) != std::string::npos);
    CHECK(doc["missing"]["failing"].as_string() == "answered 503");
    CHECK(doc["missing"]["broken"].as_string().find("JSON") != std::string::npos);
    CHECK(doc["down"].is_null());
}

TEST_CASE_FIXTURE(Deployment, "a gateway with nothing to show answers 502") {
    config.budget = 2000ms;
    auto const res = aggregate({{"failing", url("/fail")}});
    CHECK(res.status() == 502);
    CHECK(res.json()["missing"]["failing"].as_string() == "answered 503");
}

TEST_CASE("--upstream takes name=http://...; anything else is refused with the value named") {
    auto const up = gateway::parse_upstream("users=http://10.0.0.1:8000/users");
    CHECK(up.name == "users");
    CHECK(up.url == "http://10.0.0.1:8000/users");
    CHECK_THROWS_WITH_AS(gateway::parse_upstream("users"), doctest::Contains("'users'"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(gateway::parse_upstream("=http://x/"), doctest::Contains("name=http"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(gateway::parse_upstream("u=https://x/"), doctest::Contains("http://"), std::invalid_argument);
}
