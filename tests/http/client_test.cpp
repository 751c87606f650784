// tern::http::Client against tern's own server (a TestServer on 127.0.0.1, its own thread):
// methods, bodies, JSON, the keep-alive pool and its limits, redirects, cookies, timeouts.
#include <tern/http/client/client.hpp>

#include <doctest/doctest.h>

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <tern/core/gather.hpp>
#include <tern/core/loop.hpp>
#include <tern/core/time.hpp>
#include <tern/http/app.hpp>
#include <tern/json/model.hpp>

#include "support/http_client.hpp"

using namespace std::chrono_literals;
using tern::Task;
using tern::http::Client;
using tern::http::ClientOptions;
using tern::http::ClientResponse;
using tern::testing::TestServer;

namespace {

struct Item {
    std::string name;
    int price = 0;
};
TERN_JSON(Item, name, price)

tern::Generator<std::string> three_chunks() {
    co_yield std::string("a");
    co_yield std::string("bb");
    co_yield std::string("ccc");
}

// The server's routes, and the peers (ip:port) its requests came from: one per connection.
struct Upstream {
    Upstream() {
        app.use([this](tern::Request& req, tern::Next next) -> Task<tern::Response> {
            {
                std::lock_guard lock{mutex};
                peers.insert(std::string(req.remote_address()));
            }
            co_return co_await next(req);
        });
        app.get("/hello", [](tern::Request&) -> Task<tern::Response> {
            co_return tern::Response::text("hello").header("X-Test", "yes");
        });
        app.post("/echo", [](tern::Request& req) -> Task<tern::Response> {
            co_return tern::Response::text(std::string(req.body()))
                .header("X-Content-Type", req.header("content-type"))
                .header("X-Method", req.method());
        });
        app.put("/echo", [](tern::Request& req) -> Task<tern::Response> {
            co_return tern::Response::text(std::string(req.method()) + ":" + std::string(req.body()));
        });
        app.get("/header/{name}", [](tern::Request& req) -> Task<tern::Response> {
            co_return tern::Response::text(std::string(req.header(req.param("name"))));
        });
        app.get("/item", [](tern::Request&) -> Task<tern::Response> { co_return tern::Response::json(Item{"pen", 2}); });
        app.post("/items", [](tern::Request& req) -> Task<tern::Response> {
            Item item = req.json<Item>();
            item.price *= 10;
            co_return tern::Response::json(item).status(201);
        });
        app.get("/slow/{ms:int}", [](tern::Request& req) -> Task<tern::Response> {
            co_await tern::sleep(std::chrono::milliseconds(req.param<int>("ms")));
            co_return tern::Response::text("late");
        });
        app.get("/hops/{n:int}", [](tern::Request& req) -> Task<tern::Response> {
            int const n = req.param<int>("n");
            if (n == 0) co_return tern::Response::text("landed");
            co_return tern::Response::redirect("/hops/" + std::to_string(n - 1), 302);
        });
        app.post("/see-other", [](tern::Request&) -> Task<tern::Response> {
            co_return tern::Response::redirect("/method", 303);
        });
        app.post("/temporary", [](tern::Request&) -> Task<tern::Response> {
            co_return tern::Response::redirect("/echo", 307);
        });
        app.get("/method", [](tern::Request& req) -> Task<tern::Response> {
            co_return tern::Response::text(std::string(req.method()) + " body=" + std::string(req.body()));
        });
        app.get("/login", [](tern::Request&) -> Task<tern::Response> {
            co_return tern::Response::text("in").set_cookie("session", "abc123");
        });
        app.get("/whoami", [](tern::Request& req) -> Task<tern::Response> {
            co_return tern::Response::text(std::string(req.cookie("session")));
        });
        app.get("/empty", [](tern::Request&) -> Task<tern::Response> { co_return tern::Response::empty(204); });
        app.get("/stream", [](tern::Request&) -> Task<tern::Response> {
            co_return tern::Response::stream(three_chunks(), "text/plain");
        });
        app.get("/big", [](tern::Request&) -> Task<tern::Response> {
            co_return tern::Response::text(std::string(100'000, 'x'));
        });
        app.get("/missing-json", [](tern::Request&) -> Task<tern::Response> {
            co_return tern::Response::raw_json(R"({"detail":"no such item"})").status(404);
        });
    }

    std::size_t connections() {
        std::lock_guard lock{mutex};
        return peers.size();
    }

    tern::App app;
    std::mutex mutex;
    std::set<std::string> peers;
};

std::string base(TestServer const& server) { return "http://127.0.0.1:" + std::to_string(server.port()); }

}  // namespace

TEST_CASE_FIXTURE(Upstream, "a GET gives the status, the headers case-insensitively, and the text") {
    TestServer server{app};
    Client client;
    ClientResponse const res = tern::run(client.get(base(server) + "/hello"));
    CHECK(res.status() == 200);
    CHECK(res.ok());
    CHECK(res.reason() == "OK");
    CHECK(res.text() == "hello");
    CHECK(res.header("x-test") == "yes");
    CHECK(res.header("X-TEST") == "yes");
    CHECK(res.header("content-type").starts_with("text/plain"));
    CHECK(res.header("x-absent").empty());
    CHECK_FALSE(res.headers().empty());
    CHECK(res.url() == base(server) + "/hello");
}

// g++ 12 cannot compile an initializer list inside a co_await ("array used as initializer"),
// so API.md's `co_await client.post(url, body, {{"Content-Type", ...}})` names its headers first.
TEST_CASE_FIXTURE(Upstream, "a POST sends its body and headers") {
    TestServer server{app};
    Client client;
    std::string const url = base(server) + "/echo";
    ClientResponse const res = tern::run([](Client& c, std::string u) -> Task<ClientResponse> {
        tern::http::Headers headers{{"Content-Type", "application/x-test"}};
        co_return co_await c.post(u, "payload", headers);
    }(client, url));
    CHECK(res.text() == "payload");
    CHECK(res.header("x-content-type") == "application/x-test");
    CHECK(res.header("x-method") == "POST");
    ClientResponse const put = tern::run(client.put(url, "p"));
    CHECK(put.text() == "PUT:p");
}

TEST_CASE_FIXTURE(Upstream, "json_body sends a model as application/json, and json<T> reads the answer") {
    TestServer server{app};
    Client client;
    Item const item = tern::run([](Client& c, std::string u) -> Task<Item> {
        tern::http::RequestBody body = tern::json_body(Item{"pen", 3});
        ClientResponse res = co_await c.post(u, std::move(body));
        CHECK(res.status() == 201);
        co_return res.json<Item>();
    }(client, base(server) + "/items"));
    CHECK(item.name == "pen");
    CHECK(item.price == 30);
    ClientResponse const res = tern::run(client.get(base(server) + "/item"));
    CHECK(res.json()["name"].as_string() == "pen");
}

TEST_CASE_FIXTURE(Upstream, "json<T> on a 4xx throws StatusError naming the URL, the status and the body") {
    TestServer server{app};
    Client client;
    ClientResponse const missing = tern::run(client.get(base(server) + "/missing-json"));
    CHECK(missing.status() == 404);
    try {
        (void)missing.json<Item>();
        FAIL("no exception");
    } catch (tern::http::StatusError const& e) {
        CHECK(e.status() == 404);
        CHECK(std::string(e.what()).find(base(server) + "/missing-json") != std::string::npos);
        CHECK(std::string(e.what()).find("no such item") != std::string::npos);
    }
    ClientResponse const invalid = tern::run(client.post(base(server) + "/items", R"({"name":1})"));
    CHECK(invalid.status() == 422);
    CHECK_THROWS_AS((void)invalid.json<Item>(), tern::http::StatusError);
    ClientResponse const text = tern::run(client.get(base(server) + "/hello"));
    try {
        (void)text.json<Item>();
        FAIL("no exception");
    } catch (tern::http::ClientError const& e) {
        CHECK(std::string(e.what()).find("not valid JSON") != std::string::npos);
        CHECK(e.url() == base(server) + "/hello");
    }
}

TEST_CASE_FIXTURE(Upstream, "options are given as API.md spells them, and every method reaches its route") {
    TestServer server{app};
    Client client{{.connect_timeout = 2s, .timeout = 10s}};
    CHECK(client.options().connect_timeout == 2s);
    CHECK(client.options().timeout == 10s);
    std::string const root = base(server);
    CHECK(tern::run(client.request("POST", root + "/echo", tern::http::Headers{}, "r")).text() == "r");
    CHECK(tern::run(client.patch(root + "/echo", "p")).status() == 405);
    CHECK(tern::run(client.delete_(root + "/echo")).status() == 405);
    CHECK(tern::run(client.request("OPTIONS", root + "/hello")).status() != 0);
}

TEST_CASE_FIXTURE(Upstream, "sequential calls reuse one kept-alive connection") {
    TestServer server{app};
    Client client;
    std::string const url = base(server) + "/hello";
    tern::run([](Client& c, std::string u) -> Task<> {
        for (int i = 0; i < 5; ++i) {
            ClientResponse res = co_await c.get(u);
            CHECK(res.text() == "hello");
        }
    }(client, url));
    CHECK(client.connections_opened() == 1);
    CHECK(connections() == 1);
}

TEST_CASE_FIXTURE(Upstream, "ten concurrent gets gathered on one pool all answer, within the per-host limit") {
    TestServer server{app};
    ClientOptions options;
    options.max_connections_per_host = 4;
    Client client{options};
    std::string const url = base(server) + "/slow/30";
    std::vector<ClientResponse> const all = tern::run([](Client& c, std::string u) -> Task<std::vector<ClientResponse>> {
        std::vector<Task<ClientResponse>> calls;
        for (int i = 0; i < 10; ++i) calls.push_back(c.get(u));
        co_return co_await tern::gather(std::move(calls));
    }(client, url));
    REQUIRE(all.size() == 10);
    for (ClientResponse const& res : all) CHECK(res.text() == "late");
    CHECK(client.connections_opened() == 4);
    CHECK(connections() == 4);
}

TEST_CASE_FIXTURE(Upstream, "a tuple gather of different calls, as API.md shows it") {
    TestServer server{app};
    Client client;
    auto const [a, b] = tern::run([](Client& c, std::string root) -> Task<std::tuple<ClientResponse, ClientResponse>> {
        co_return co_await tern::gather(c.get(root + "/hello"), c.get(root + "/item"));
    }(client, base(server)));
    CHECK(a.text() == "hello");
    CHECK(b.json<Item>().price == 2);
}

TEST_CASE_FIXTURE(Upstream, "redirects are followed up to the limit, and the limit is an error naming the URL") {
    TestServer server{app};
    Client client;
    ClientResponse const res = tern::run(client.get(base(server) + "/hops/3"));
    CHECK(res.text() == "landed");
    CHECK(res.url() == base(server) + "/hops/0");
    try {
        (void)tern::run(client.get(base(server) + "/hops/11"));
        FAIL("no exception");
    } catch (tern::http::ClientError const& e) {
        CHECK(std::string(e.what()).find("too many redirects (more than 10)") != std::string::npos);
        CHECK(std::string(e.what()).find("/hops/1") != std::string::npos);
    }
    ClientOptions none;
    none.max_redirects = 0;
    Client literal{none};
    ClientResponse const hop = tern::run(literal.get(base(server) + "/hops/1"));
    CHECK(hop.status() == 302);
    CHECK(hop.header("location") == "/hops/0");
}

TEST_CASE_FIXTURE(Upstream, "a 303 after a POST turns into a GET without the body; a 307 repeats the POST") {
    TestServer server{app};
    Client client;
    ClientResponse const other = tern::run(client.post(base(server) + "/see-other", "data"));
    CHECK(other.text() == "GET body=");
    CHECK(other.method() == "GET");
    ClientResponse const temporary = tern::run(client.post(base(server) + "/temporary", "again"));
    CHECK(temporary.text() == "again");
    CHECK(temporary.header("x-method") == "POST");
}

TEST_CASE_FIXTURE(Upstream, "cookies the server sets are sent back on later calls") {
    TestServer server{app};
    Client client;
    std::string const root = base(server);
    tern::run([](Client& c, std::string r) -> Task<> {
        ClientResponse before = co_await c.get(r + "/whoami");
        CHECK(before.text().empty());
        co_await c.get(r + "/login");
        ClientResponse after = co_await c.get(r + "/whoami");
        CHECK(after.text() == "abc123");
    }(client, root));
    CHECK(client.cookie("session", root + "/anywhere") == "abc123");
    CHECK_FALSE(client.cookie("other", root + "/"));
    client.clear_cookies();
    CHECK(tern::run(client.get(root + "/whoami")).text().empty());
    ClientOptions no_jar;
    no_jar.cookies = false;
    Client forgetful{no_jar};
    (void)tern::run(forgetful.get(root + "/login"));
    CHECK(tern::run(forgetful.get(root + "/whoami")).text().empty());
}

TEST_CASE_FIXTURE(Upstream, "default headers, the base URL and the User-Agent go with every call; a call's own field wins") {
    TestServer server{app};
    ClientOptions options;
    options.base_url = base(server);
    options.headers = {{"X-Api-Key", "k1"}};
    Client client{options};
    CHECK(tern::run(client.get("/header/x-api-key")).text() == "k1");
    CHECK(tern::run(client.get("/header/user-agent")).text() == "tern");
    tern::http::Headers own{{"X-Api-Key", "k2"}};
    CHECK(tern::run(client.get("/header/x-api-key", own)).text() == "k2");
    CHECK(tern::run(client.get("header/host")).text() == "127.0.0.1:" + std::to_string(server.port()));
}

TEST_CASE_FIXTURE(Upstream, "HEAD, 204 and chunked responses are read with the right framing on one connection") {
    TestServer server{app};
    Client client;
    std::string const root = base(server);
    tern::run([](Client& c, std::string r) -> Task<> {
        ClientResponse head = co_await c.head(r + "/big");
        CHECK(head.status() == 200);
        CHECK(head.text().empty());
        CHECK(head.header("content-length") == "100000");
        ClientResponse empty = co_await c.get(r + "/empty");
        CHECK(empty.status() == 204);
        ClientResponse chunked = co_await c.get(r + "/stream");
        CHECK(chunked.text() == "abbccc");
        ClientResponse big = co_await c.get(r + "/big");
        CHECK(big.text().size() == 100'000);
    }(client, root));
    CHECK(client.connections_opened() == 1);
}

TEST_CASE_FIXTURE(Upstream, "a response beyond max_response_bytes is an error saying it is too large") {
    TestServer server{app};
    ClientOptions options;
    options.max_response_bytes = 1000;
    Client client{options};
    try {
        (void)tern::run(client.get(base(server) + "/big"));
        FAIL("no exception");
    } catch (tern::http::ClientError const& e) {
        std::string const what = e.what();
        CHECK(what.find("response too large") != std::string::npos);
        CHECK(what.find("/big") != std::string::npos);
    }
}

TEST_CASE_FIXTURE(Upstream, "the read-idle timeout raises a TimeoutError naming the phase and the URL") {
    TestServer server{app};
    ClientOptions options;
    options.read_timeout = 100ms;
    Client client{options};
    std::string const url = base(server) + "/slow/1000";
    try {
        (void)tern::run(client.get(url));
        FAIL("no timeout");
    } catch (tern::http::ClientTimeout const& e) {
        CHECK(e.phase() == "read");
        CHECK(e.url() == url);
        CHECK(std::string(e.what()).find("read timeout") != std::string::npos);
        CHECK(std::string(e.what()).find(url) != std::string::npos);
    }
    CHECK_THROWS_AS((void)tern::run(client.get(url)), tern::TimeoutError);
}

TEST_CASE_FIXTURE(Upstream, "the whole-request timeout raises a TimeoutError for the phase 'request'") {
    TestServer server{app};
    ClientOptions options;
    options.timeout = 150ms;
    Client client{options};
    tern::testing::Stopwatch watch;
    try {
        (void)tern::run(client.get(base(server) + "/slow/2000"));
        FAIL("no timeout");
    } catch (tern::http::ClientTimeout const& e) {
        CHECK(e.phase() == "request");
        CHECK(std::string(e.what()).find("/slow/2000") != std::string::npos);
    }
    CHECK(watch.elapsed() < 1500ms);
}

TEST_CASE_FIXTURE(Upstream, "a call cancelled by wait_for closes its connection instead of pooling it") {
    TestServer server{app};
    Client client;
    std::string const root = base(server);
    tern::run([](Client& c, std::string r) -> Task<> {
        co_await c.get(r + "/hello");
        CHECK(c.connections_opened() == 1);
        bool timed_out = false;
        try {
            Task<ClientResponse> slow = c.get(r + "/slow/1000");
            Task<ClientResponse> bounded = tern::wait_for(std::move(slow), 50ms);
            co_await std::move(bounded);
        } catch (tern::TimeoutError const&) {
            timed_out = true;
        }
        CHECK(timed_out);
        ClientResponse after = co_await c.get(r + "/hello");
        CHECK(after.text() == "hello");
        CHECK(c.connections_opened() == 2);   // the cancelled call's connection was not reused
    }(client, root));
}

TEST_CASE_FIXTURE(Upstream, "an idle connection past the idle timeout is closed, and the next call opens another") {
    TestServer server{app};
    ClientOptions options;
    options.idle_timeout = 50ms;
    Client client{options};
    std::string const url = base(server) + "/hello";
    tern::run([](Client& c, std::string u) -> Task<> {
        co_await c.get(u);
        co_await tern::sleep(200ms);
        co_await c.get(u);
    }(client, url));
    CHECK(client.connections_opened() == 2);
}

TEST_CASE("a refused connection is a ClientError naming the URL and the reason") {
    std::uint16_t port = 0;
    tern::run([](std::uint16_t& out) -> Task<> {
        tern::TcpListener listener = tern::TcpListener::bind("127.0.0.1", 0, false);
        out = listener.port();
        co_return;
    }(port));
    Client client;
    std::string const url = "http://127.0.0.1:" + std::to_string(port) + "/x";
    try {
        (void)tern::run(client.get(url));
        FAIL("connected");
    } catch (tern::http::ClientError const& e) {
        std::string const what = e.what();
        CHECK(what.find("GET " + url) != std::string::npos);
        CHECK(what.find("refused") != std::string::npos);
        CHECK(e.code() == tern::uv_error(UV_ECONNREFUSED));
    }
}

TEST_CASE("https:// and other URLs the client cannot use throw std::invalid_argument at the await") {
    Client client;
    try {
        (void)tern::run(client.get("https://example.com/"));
        FAIL("no exception");
    } catch (std::invalid_argument const& e) {
        CHECK(std::string(e.what()).find("https:// is not supported yet") != std::string::npos);
    }
    CHECK_THROWS_AS((void)tern::run(client.get("ftp://example.com/")), std::invalid_argument);
    CHECK_THROWS_AS((void)tern::run(client.get("http://a b/")), std::invalid_argument);
    CHECK_THROWS_AS((void)tern::run(client.get("http://user@host/")), std::invalid_argument);
    CHECK_THROWS_AS((void)tern::run(client.get("http://host:99999/")), std::invalid_argument);
    tern::http::Headers bad{{"X-Split", "a\r\nInjected: 1"}};
    CHECK_THROWS_AS((void)tern::run(client.get("http://127.0.0.1:1/", bad)), std::invalid_argument);
}

TEST_CASE("a host that does not resolve is a ClientError naming the URL and the host") {
    Client client;
    try {
        (void)tern::run(client.get("http://nonexistent.invalid/x"));
        FAIL("resolved");
    } catch (tern::http::ClientError const& e) {
        std::string const what = e.what();
        CHECK(what.find("GET http://nonexistent.invalid/x: cannot connect") != std::string::npos);
        CHECK(what.find("resolve nonexistent.invalid:80") != std::string::npos);
    }
}

TEST_CASE_FIXTURE(Upstream, "when one call of a gather fails, the others are cancelled and their connections closed") {
    TestServer server{app};
    Client client;
    std::string const root = base(server);
    tern::testing::Stopwatch watch;
    std::string const error = tern::run([](Client& c, std::string r) -> Task<std::string> {
        try {
            Task<ClientResponse> slow = c.get(r + "/slow/2000");
            Task<ClientResponse> bad = c.get(r + "/hops/20");   // too many redirects
            co_await tern::gather(std::move(slow), std::move(bad));
        } catch (tern::http::ClientError const& e) {
            co_return std::string(e.what());
        }
        co_return std::string();
    }(client, root));
    CHECK(error.find("too many redirects") != std::string::npos);
    CHECK(watch.elapsed() < 1500ms);
    std::size_t const opened = client.connections_opened();
    CHECK(tern::run(client.get(root + "/hello")).text() == "hello");
    CHECK(client.connections_opened() == opened + 1);   // the loop that ended closed the pool
}
