// tern::http::Client inside a server's handlers, on the server's loop threads: a fan-out with
// gather takes about the slowest call, a wait_for cancels a slow call cleanly, and the pools
// of every loop close with their loops.
#include <tern/http/client/client.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <tern/core/gather.hpp>
#include <tern/core/loop.hpp>
#include <tern/core/time.hpp>
#include <tern/http/app.hpp>

#include "support/http_client.hpp"

using namespace std::chrono_literals;
using tern::Task;
using tern::http::Client;
using tern::http::ClientResponse;
using tern::testing::TestServer;

namespace {

struct Gateway {
    Gateway() {
        upstream.get("/slow/{ms:int}", [](tern::Request& req) -> Task<tern::Response> {
            co_await tern::sleep(std::chrono::milliseconds(req.param<int>("ms")));
            co_return tern::Response::text(std::string(req.param("ms")));
        });
        gateway.get("/aggregate", [this](tern::Request&) -> Task<tern::Response> {
            std::vector<Task<ClientResponse>> calls;
            for (int i = 0; i < 10; ++i) calls.push_back(client.get(upstream_url + "/slow/100"));
            std::vector<ClientResponse> answers = co_await tern::gather(std::move(calls));
            std::string slow = "missing";
            try {
                Task<ClientResponse> call = client.get(upstream_url + "/slow/3000");
                Task<ClientResponse> bounded = tern::wait_for(std::move(call), 150ms);
                ClientResponse res = co_await std::move(bounded);
                slow = res.text();
            } catch (tern::TimeoutError const&) {
            }
            int ok = 0;
            for (ClientResponse const& res : answers) ok += res.text() == "100";
            co_return tern::Response::text(std::to_string(ok) + " ok, slow " + slow).status(slow == "missing" ? 206 : 200);
        });
    }

    Client client;   // outlives the servers (they are the tests' locals): their loops close its pools
    tern::App upstream;
    tern::App gateway;
    std::string upstream_url;
};

}  // namespace

TEST_CASE_FIXTURE(Gateway, "a handler's fan-out takes about the slowest call, and a slow call is cut by wait_for") {
    TestServer up{upstream};
    upstream_url = "http://127.0.0.1:" + std::to_string(up.port());
    tern::ServerOptions options = TestServer::defaults();
    options.threads = 2;
    TestServer gate{gateway, options};
    std::string const url = "http://127.0.0.1:" + std::to_string(gate.port()) + "/aggregate";
    Client caller;
    tern::testing::Stopwatch watch;
    std::vector<ClientResponse> const results = tern::run([](Client& c, std::string u) -> Task<std::vector<ClientResponse>> {
        std::vector<Task<ClientResponse>> calls;
        for (int i = 0; i < 4; ++i) calls.push_back(c.get(u));
        co_return co_await tern::gather(std::move(calls));
    }(caller, url));
    for (ClientResponse const& res : results) {
        CHECK(res.status() == 206);
        CHECK(res.text() == "10 ok, slow missing");
    }
    // Sequential calls would take 4 x (10 x 100 ms + 150 ms); concurrent ones about 250 ms.
    CHECK(watch.elapsed() < 2000ms);
    // Ten at once to one host, from each gateway loop: within the per-host limit of 16.
    CHECK(client.connections_opened() <= 2 * 16);
}

TEST_CASE_FIXTURE(Gateway, "a client destroyed on its loop closes that loop's idle connections at once") {
    TestServer up{upstream};
    std::string const url = "http://127.0.0.1:" + std::to_string(up.port()) + "/slow/1";
    tern::run([](std::string u) -> Task<> {
        {
            Client local;
            ClientResponse res = co_await local.get(u);
            CHECK(res.text() == "1");
        }
        co_await tern::sleep(10ms);   // the keeper, cancelled, ends; the loop closes clean after
    }(url));
}
