// tern::websocket::connect against tern's own server: messages both ways, deflate, subprotocols,
// and the handshake failures a client must report.
#include <tern/websocket/client.hpp>

#include <doctest/doctest.h>

#include <string>

#include <tern/core/loop.hpp>
#include <tern/http/app.hpp>

#include "support/http_client.hpp"

using tern::testing::TestServer;

namespace {

tern::Task<void> echo(tern::Request&, tern::WebSocket& ws) {
    for (;;) {
        std::optional<tern::websocket::Message> msg = co_await ws.receive();
        if (!msg) break;
        if (msg->binary) co_await ws.send_binary(msg->data);
        else co_await ws.send_text(msg->data);
    }
}

struct Servers {
    Servers() {
        app.websocket("/echo", echo, {.protocols = {"v2", "v1"}});
        app.get("/plain", [](tern::Request&) -> tern::Task<tern::Response> { co_return tern::Response::text("hi"); });
    }
    tern::App app;
};

std::string url(TestServer const& server, std::string_view path) {
    return "ws://127.0.0.1:" + std::to_string(server.port()) + std::string(path);
}

}  // namespace

TEST_CASE_FIXTURE(Servers, "a client session sends and receives text and binary, compressed when agreed") {
    TestServer server{app};
    auto const [text, binary, deflate, code] =
        tern::run([](std::string u) -> tern::Task<std::tuple<std::string, std::string, bool, int>> {
            auto ws = co_await tern::websocket::connect(u);
            co_await ws->send_text("hello " + std::string(5000, 'x'));
            std::optional<tern::websocket::Message> first = co_await ws->receive();
            co_await ws->send_binary(std::string(70000, '\0'));
            std::optional<tern::websocket::Message> second = co_await ws->receive();
            co_await ws->close(1000, "done");
            co_return std::tuple{first ? first->data : "", second ? second->data : "", ws->permessage_deflate(),
                                 ws->close_code()};
        }(url(server, "/echo")));
    CHECK(text == "hello " + std::string(5000, 'x'));
    CHECK(binary == std::string(70000, '\0'));
    CHECK(deflate);
    CHECK(code == 1000);
}

TEST_CASE_FIXTURE(Servers, "the client offers subprotocols and learns the server's choice") {
    TestServer server{app};
    auto const protocol = tern::run([](std::string u) -> tern::Task<std::string> {
        tern::websocket::ConnectOptions options;
        options.protocols = {"v1", "v2"};
        options.permessage_deflate = false;
        auto ws = co_await tern::websocket::connect(u, options);
        std::string chosen{ws->protocol()};
        co_await ws->close();
        co_return chosen;
    }(url(server, "/echo")));
    CHECK(protocol == "v2");
}

TEST_CASE_FIXTURE(Servers, "a handshake the server refuses is a HandshakeError naming the URL and the status") {
    TestServer server{app};
    try {
        tern::run(tern::websocket::connect(url(server, "/plain")));
        FAIL("connected to a plain HTTP route");
    } catch (tern::websocket::HandshakeError const& e) {
        CHECK(e.status() == 200);   // a plain route answers as it always does
        CHECK(std::string(e.what()).find("/plain") != std::string::npos);
        CHECK(std::string(e.what()).find("not 101") != std::string::npos);
    } catch (std::exception const& e) {
        FAIL(e.what());
    }
}

TEST_CASE("wss:// and other schemes are refused with a clear message") {
    CHECK_THROWS_WITH_AS(tern::run(tern::websocket::connect("wss://example.com/")),
                         doctest::Contains("wss:// is not supported yet"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(tern::run(tern::websocket::connect("http://example.com/")),
                         doctest::Contains("not a ws:// URL"), std::invalid_argument);
}
