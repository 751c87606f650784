// The test client's WebSocket sessions: a test talks to an App's WebSocket route line by line,
// as FastAPI's `with client.websocket_connect("/ws") as ws:` does, with every wait bounded.
#include <tern/testing.hpp>

#include <doctest/doctest.h>

#include <string>

#include <tern/core/error.hpp>
#include <tern/core/time.hpp>
#include <tern/http/app.hpp>
#include <tern/websocket/session.hpp>

using namespace std::chrono_literals;
using tern::Task;
using tern::testing::TestWebSocket;

namespace {

struct Rooms {
    Rooms() {
        app.websocket("/echo", [](tern::Request&, tern::WebSocket& ws) -> Task<void> {
            for (;;) {
                std::optional<tern::websocket::Message> msg = co_await ws.receive();
                if (!msg) break;
                if (msg->binary) co_await ws.send_binary(msg->data);
                else co_await ws.send_text(msg->data);
            }
        });
        // Greets by the session cookie and a query parameter, then says goodbye with 4001.
        app.websocket("/greet", [](tern::Request& req, tern::WebSocket& ws) -> Task<void> {
            std::string const who{req.cookie("user")};
            std::string const lang{req.query("lang")};
            std::string const greeting = (lang == "fr" ? "bonjour " : "hello ") + (who.empty() ? "stranger" : who);
            co_await ws.send_text(greeting);   // named first: g++ 12 mis-destroys such temporaries in a co_await
            co_await ws.close(4001, "that is all");
        });
        app.websocket("/chat", [](tern::Request&, tern::WebSocket& ws) -> Task<void> {
            co_await ws.send_text(std::string(ws.protocol()));
        }, {.protocols = {"chat.v2", "chat.v1"}});
        // Reads (so pings and the close are answered) and never says anything.
        app.websocket("/silent", [](tern::Request&, tern::WebSocket& ws) -> Task<void> {
            for (;;) {
                std::optional<tern::websocket::Message> msg = co_await ws.receive();
                if (!msg) break;
            }
        });
        app.websocket("/fails", [](tern::Request&, tern::WebSocket&) -> Task<void> {
            throw std::runtime_error("the handler fell over");
            co_return;
        });
        // Middleware sees the upgrade request and may refuse it as it would any request.
        app.use([](tern::Request& req, tern::Next next) -> Task<tern::Response> {
            if (req.path() == "/private") co_return tern::Response::text("no entry").status(403);
            co_return co_await next(req);
        });
        app.websocket("/private", [](tern::Request&, tern::WebSocket&) -> Task<void> { co_return; });
        app.post("/login", [](tern::Request&) -> Task<tern::Response> {
            co_return tern::Response::text("in").header("Set-Cookie", "user=ann; Path=/");
        });
    }
    tern::App app;
};

}  // namespace

TEST_CASE_FIXTURE(Rooms, "a session sends and receives text, binary and JSON messages in turn") {
    tern::testing::Client tc{app};
    TestWebSocket ws = tc.websocket_connect("/echo");
    CHECK(ws.handshake().status() == 101);
    ws.send_text("hello");
    CHECK(ws.receive_text() == "hello");
    ws.send_binary(std::string("\x00\xff", 2));
    CHECK(ws.receive_bytes() == std::string("\x00\xff", 2));
    ws.send_json(tern::json::object({{"n", 7}}));
    CHECK(ws.receive_json()["n"].as_int() == 7);
    std::string const big(200'000, 'x');   // several reads, one message
    ws.send_text(big);
    CHECK(ws.receive_text() == big);
    ws.close();
    CHECK(ws.closed());
    CHECK(ws.close_code() == 1000);
}

TEST_CASE_FIXTURE(Rooms, "a message of the wrong kind is an error that says what came") {
    tern::testing::Client tc{app};
    auto ws = tc.websocket_connect("/echo");
    ws.send_text("words");
    CHECK_THROWS_WITH_AS(ws.receive_bytes(), doctest::Contains("got text 'words'"), std::runtime_error);
}

TEST_CASE_FIXTURE(Rooms, "the server's close ends receive() with its code and reason") {
    tern::testing::Client tc{app};
    auto ws = tc.websocket_connect("/greet");
    CHECK(ws.receive_text() == "hello stranger");
    try {
        (void)ws.receive();
        FAIL("a message after the close");
    } catch (tern::testing::WebSocketClosed const& e) {
        CHECK(e.code() == 4001);
        CHECK(e.reason() == "that is all");
    }
    CHECK(ws.close_code() == 4001);
    CHECK_THROWS_AS(ws.send_text("late"), tern::websocket::ConnectionClosed);
}

TEST_CASE_FIXTURE(Rooms, "the session carries the client's cookies, the query string and extra headers") {
    tern::testing::Client tc{app};
    tc.post("/login", "");
    auto ws = tc.websocket_connect("/greet?lang=fr", {{"X-Trace", "1"}});
    CHECK(ws.receive_text() == "bonjour ann");
}

TEST_CASE_FIXTURE(Rooms, "a subprotocol is negotiated in the server's order of preference") {
    tern::testing::Client tc{app};
    auto ws = tc.websocket_connect("/chat", {}, {"chat.v1", "chat.v2"});
    CHECK(ws.protocol() == "chat.v2");
    CHECK(ws.receive_text() == "chat.v2");
}

TEST_CASE_FIXTURE(Rooms, "a refused handshake throws with the server's answer") {
    tern::testing::Client tc{app};
    try {
        (void)tc.websocket_connect("/private");
        FAIL("connected");
    } catch (tern::testing::WebSocketRefused const& e) {
        CHECK(e.response().status() == 403);
        CHECK(e.response().text() == "no entry");
    }
    try {
        (void)tc.websocket_connect("/nowhere");
        FAIL("connected");
    } catch (tern::testing::WebSocketRefused const& e) {
        CHECK(e.response().status() == 404);
    }
}

TEST_CASE_FIXTURE(Rooms, "a message that never comes is a TimeoutError, not a hung test") {
    tern::testing::Client tc{app};
    auto ws = tc.websocket_connect("/silent");
    CHECK_THROWS_AS(ws.receive(100ms), tern::TimeoutError);
    ws.ping("still there?");   // the session is still usable after a timeout
    ws.close(1000, {}, 2000ms);
    CHECK(ws.close_code() == 1000);
}

TEST_CASE_FIXTURE(Rooms, "a handler that throws closes the session with 1011") {
    tern::testing::Client tc{app};
    auto ws = tc.websocket_connect("/fails");
    CHECK_THROWS_AS(ws.receive(), tern::testing::WebSocketClosed);
    CHECK(ws.close_code() == 1011);
}

TEST_CASE_FIXTURE(Rooms, "sessions and socketless requests mix, and several sessions run at once") {
    tern::testing::Client tc{app};
    auto a = tc.websocket_connect("/echo");
    auto b = tc.websocket_connect("/echo");
    a.send_text("to a");
    b.send_text("to b");
    CHECK(tc.post("/login", "").status() == 200);
    CHECK(b.receive_text() == "to b");
    CHECK(a.receive_text() == "to a");
    CHECK_THROWS_AS(a.close(1005), std::invalid_argument);   // 1005 may not be sent
}
