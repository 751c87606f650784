// tern::http::Client's streams: a response body read as it arrives (ClientStream), and a
// request body sent from a Generator, against tern's own server.
#include <tern/http/client/stream.hpp>

#include <doctest/doctest.h>

#include <string>

#include <tern/core/loop.hpp>
#include <tern/http/app.hpp>
#include <tern/http/client/client.hpp>

#include "support/http_client.hpp"

using namespace std::chrono_literals;
using tern::Task;
using tern::http::Client;
using tern::http::ClientOptions;
using tern::http::ClientResponse;
using tern::http::ClientStream;
using tern::testing::TestServer;

namespace {

tern::Generator<std::string> pieces(int count, std::size_t size) {
    for (int i = 0; i < count; ++i) co_yield std::string(size, static_cast<char>('a' + i % 26));
}

std::string expected(int count, std::size_t size) {
    std::string out;
    for (int i = 0; i < count; ++i) out += std::string(size, static_cast<char>('a' + i % 26));
    return out;
}

struct Upstream {
    Upstream() {
        app.get("/download", [](tern::Request&) -> Task<tern::Response> {
            co_return tern::Response::stream(pieces(50, 10'000), "application/octet-stream");
        });
        app.get("/small", [](tern::Request&) -> Task<tern::Response> { co_return tern::Response::text("small"); });
        app.get("/moved", [](tern::Request&) -> Task<tern::Response> {
            co_return tern::Response::redirect("/small", 302);
        });
        app.post("/upload", [](tern::Request& req) -> Task<tern::Response> {
            co_return tern::Response::text(std::string(req.body()))
                .header("X-Transfer-Encoding", req.header("transfer-encoding"));
        });
        app.post("/moved-upload", [](tern::Request&) -> Task<tern::Response> {
            co_return tern::Response::redirect("/upload", 307);
        });
    }
    tern::App app;
};

std::string base(TestServer const& server) { return "http://127.0.0.1:" + std::to_string(server.port()); }

}  // namespace

TEST_CASE_FIXTURE(Upstream, "a streamed body arrives in pieces, beyond max_response_bytes, and its connection is reused") {
    TestServer server{app};
    ClientOptions options;
    options.max_response_bytes = 1000;
    Client client{options};
    std::string const root = base(server);
    auto const [body, count] = tern::run([](Client& c, std::string r) -> Task<std::pair<std::string, int>> {
        ClientStream stream = co_await c.stream("GET", r + "/download");
        CHECK(stream.status() == 200);
        CHECK(stream.header("content-type") == "application/octet-stream");
        std::string all;
        int n = 0;
        tern::Generator<std::string> chunks = stream.body();
        for (;;) {
            std::optional<std::string> chunk = co_await chunks.next();
            if (!chunk) break;
            all += *chunk;
            ++n;
        }
        ClientResponse after = co_await c.get(r + "/small");
        CHECK(after.text() == "small");
        co_return std::pair{all, n};
    }(client, root));
    CHECK(body == expected(50, 10'000));
    CHECK(count > 1);
    CHECK(client.connections_opened() == 1);
}

TEST_CASE_FIXTURE(Upstream, "a stream dropped before its end closes its connection") {
    TestServer server{app};
    Client client;
    std::string const root = base(server);
    tern::run([](Client& c, std::string r) -> Task<> {
        {
            ClientStream stream = co_await c.stream("GET", r + "/download");
            tern::Generator<std::string> chunks = stream.body();
            std::optional<std::string> first = co_await chunks.next();
            CHECK(first);
        }
        ClientResponse after = co_await c.get(r + "/small");
        CHECK(after.text() == "small");
    }(client, root));
    CHECK(client.connections_opened() == 2);
}

TEST_CASE_FIXTURE(Upstream, "a stream's text() reads the rest whole, and a stream follows redirects") {
    TestServer server{app};
    Client client;
    std::string const root = base(server);
    auto const [download, moved, url] = tern::run([](Client& c, std::string r) -> Task<std::tuple<std::string, std::string, std::string>> {
        ClientStream stream = co_await c.stream("GET", r + "/download");
        std::string whole = co_await stream.text();
        ClientStream redirected = co_await c.stream("GET", r + "/moved");
        std::string small = co_await redirected.text();
        co_return std::tuple{whole, small, redirected.url()};
    }(client, root));
    CHECK(download == expected(50, 10'000));
    CHECK(moved == "small");
    CHECK(url == root + "/small");
    CHECK(client.connections_opened() == 1);
}

TEST_CASE_FIXTURE(Upstream, "a request body from a Generator is sent chunked") {
    TestServer server{app};
    Client client;
    std::string const url = base(server) + "/upload";
    ClientResponse const res = tern::run([](Client& c, std::string u) -> Task<ClientResponse> {
        tern::http::Headers headers;
        tern::Generator<std::string> body = pieces(40, 5000);
        co_return co_await c.request("POST", u, headers, std::move(body));
    }(client, url));
    CHECK(res.status() == 200);
    CHECK(res.header("x-transfer-encoding") == "chunked");
    CHECK(res.text() == expected(40, 5000));
}

TEST_CASE_FIXTURE(Upstream, "a 307 answering a streamed upload is returned, not followed: the body cannot be sent again") {
    TestServer server{app};
    Client client;
    std::string const url = base(server) + "/moved-upload";
    ClientResponse const res = tern::run([](Client& c, std::string u) -> Task<ClientResponse> {
        tern::http::Headers headers;
        tern::Generator<std::string> body = pieces(2, 10);
        co_return co_await c.request("POST", u, headers, std::move(body));
    }(client, url));
    CHECK(res.status() == 307);
}
