// app.websocket through real sockets, the client played byte by byte: the handshake, messages,
// control frames, every protocol error with its close code, and the closing handshake.
#include <tern/http/app.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>

#include <tern/core/time.hpp>

#include "support/http_client.hpp"
#include "support/ws_frames.hpp"

using namespace std::chrono_literals;
using tern::testing::RawClient;
using tern::testing::TestServer;
using tern::testing::client_frame;
using tern::testing::close_payload;
using tern::testing::read_frame;
using tern::testing::ws_upgrade;

namespace {

constexpr std::uint8_t text = 1, binary = 2, close_op = 8, ping = 9, pong = 10, continuation = 0;

tern::Task<void> echo(tern::Request&, tern::WebSocket& ws) {
    while (auto msg = co_await ws.receive()) {
        if (msg->binary) co_await ws.send_binary(msg->data);
        else co_await ws.send_text(msg->data);
    }
}

struct EchoServer {
    EchoServer() {
        app.websocket("/ws", echo);
        app.websocket("/small", echo, {.max_message_size = 10});
        app.websocket("/chat", echo, {.protocols = {"chat.v2", "chat.v1"}});
    }
    tern::App app;
};

// Opens a session on `path` and checks the 101.
void open(RawClient& client, std::string_view path = "/ws", std::string_view extra = "") {
    client.send(ws_upgrade(path, extra));
    auto res = client.read_response(/*head_request=*/true);
    REQUIRE(res);
    REQUIRE(res->status == 101);
}

// The server's close frame, then the end of the connection.
int closed_with(RawClient& client) {
    auto frame = read_frame(client);
    REQUIRE(frame);
    CHECK(frame->opcode == close_op);
    int const code = frame->close_code();
    client.send(client_frame(close_op, frame->payload.substr(0, 2)));   // complete the handshake
    CHECK(client.closed_by_peer());
    return code;
}

}  // namespace

TEST_CASE_FIXTURE(EchoServer, "the handshake answers 101 with the accept key of RFC 6455's example") {
    TestServer server{app};
    RawClient client{server.port()};
    client.send(ws_upgrade("/ws"));
    auto res = client.read_response(/*head_request=*/true);
    REQUIRE(res);
    CHECK(res->status == 101);
    CHECK(res->header("Upgrade") == "websocket");
    CHECK(res->header("Connection") == "Upgrade");
    CHECK(res->header("Sec-WebSocket-Accept") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    CHECK(res->header("Content-Length") == "");
}

TEST_CASE_FIXTURE(EchoServer, "text and binary messages echo, unmasked from the server") {
    TestServer server{app};
    RawClient client{server.port()};
    open(client);
    client.send(client_frame(text, "hello"));
    auto reply = read_frame(client);
    REQUIRE(reply);
    CHECK(reply->opcode == text);
    CHECK_FALSE(reply->masked);
    CHECK(reply->payload == "hello");
    std::string const big(200'000, '\x01');
    client.send(client_frame(binary, big));
    auto big_reply = read_frame(client);
    REQUIRE(big_reply);
    CHECK(big_reply->opcode == binary);
    CHECK(big_reply->payload == big);
}

TEST_CASE_FIXTURE(EchoServer, "a fragmented message is reassembled, with a ping answered in the middle") {
    TestServer server{app};
    RawClient client{server.port()};
    open(client);
    client.send(client_frame(text, "frag", /*fin=*/false));
    client.send(client_frame(ping, "are you there"));
    client.send(client_frame(continuation, "mented", /*fin=*/true));
    auto pong_frame = read_frame(client);
    REQUIRE(pong_frame);
    CHECK(pong_frame->opcode == pong);
    CHECK(pong_frame->payload == "are you there");
    auto reply = read_frame(client);
    REQUIRE(reply);
    CHECK(reply->payload == "fragmented");
}

TEST_CASE_FIXTURE(EchoServer, "a client's close is echoed with its code and the server closes the TCP connection") {
    TestServer server{app};
    RawClient client{server.port()};
    open(client);
    client.send(client_frame(close_op, close_payload(1000, "bye")));
    auto frame = read_frame(client);
    REQUIRE(frame);
    CHECK(frame->opcode == close_op);
    CHECK(frame->close_code() == 1000);
    CHECK(client.closed_by_peer());
}

TEST_CASE_FIXTURE(EchoServer, "each protocol error closes with its code, and a fresh client is served after") {
    TestServer server{app};
    struct Case {
        char const* what;
        std::string frames;
        std::string path;
        int code;
    };
    Case const cases[] = {
        {"an unmasked client frame", client_frame(text, "x", true, /*masked=*/false), "/ws", 1002},
        {"a reserved bit", client_frame(text, "x", true, true, /*rsv=*/2), "/ws", 1002},
        {"RSV1 without permessage-deflate", client_frame(text, "x", true, true, /*rsv=*/4), "/ws", 1002},
        {"an unknown opcode", client_frame(3, "x"), "/ws", 1002},
        {"a fragmented ping", client_frame(ping, "x", /*fin=*/false), "/ws", 1002},
        {"a continuation with nothing to continue", client_frame(continuation, "x"), "/ws", 1002},
        {"a new message inside a fragmented one", client_frame(text, "a", false) + client_frame(text, "b"), "/ws", 1002},
        {"text that is not UTF-8", client_frame(text, "\xc0\x80"), "/ws", 1007},
        {"UTF-8 cut across fragments at the end", client_frame(text, "\xe2\x82", false) + client_frame(continuation, ""), "/ws", 1007},
        {"a message over the limit", client_frame(text, "0123456789ab"), "/small", 1009},
        {"a close with a one-byte payload", client_frame(close_op, "x"), "/ws", 1002},
        {"a close with an invalid code", client_frame(close_op, close_payload(1005)), "/ws", 1002},
    };
    for (auto const& c : cases) {
        CAPTURE(c.what);
        RawClient client{server.port()};
        open(client, c.path);
        client.send(c.frames);
        CHECK(closed_with(client) == c.code);
    }
    RawClient fresh{server.port()};
    open(fresh);
    fresh.send(client_frame(text, "still here"));
    auto reply = read_frame(fresh);
    REQUIRE(reply);
    CHECK(reply->payload == "still here");
}

TEST_CASE_FIXTURE(EchoServer, "a wrong handshake is refused: 426 with the version, or 400 naming the fault") {
    TestServer server{app};
    auto plain = tern::testing::request(server.port(), "GET /ws HTTP/1.1\r\nHost: t\r\n\r\n");
    REQUIRE(plain);
    CHECK(plain->status == 426);
    CHECK(plain->header("Sec-WebSocket-Version") == "13");
    auto version = tern::testing::request(server.port(),
        "GET /ws HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n");
    REQUIRE(version);
    CHECK(version->status == 426);
    CHECK(version->header("Sec-WebSocket-Version") == "13");
    auto key = tern::testing::request(server.port(),
        "GET /ws HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n");
    REQUIRE(key);
    CHECK(key->status == 400);
    CHECK(key->body.find("Sec-WebSocket-Key") != std::string::npos);
}

TEST_CASE("middleware runs on the upgrade request and can refuse it with a normal 4xx") {
    tern::App app;
    app.use([](tern::Request& req, tern::Next next) -> tern::Task<tern::Response> {
        if (req.header("Authorization") != "Bearer ok") co_return tern::Response::text("no").status(401);
        co_return co_await next(req);
    });
    app.websocket("/ws", echo);
    TestServer server{app};
    auto refused = tern::testing::request(server.port(), ws_upgrade("/ws"));
    REQUIRE(refused);
    CHECK(refused->status == 401);
    RawClient client{server.port()};
    open(client, "/ws", "Authorization: Bearer ok\r\n");
}

TEST_CASE_FIXTURE(EchoServer, "the first of the server's subprotocols that the client offers is chosen") {
    TestServer server{app};
    RawClient client{server.port()};
    client.send(ws_upgrade("/chat", "Sec-WebSocket-Protocol: chat.v1, chat.v2\r\n"));
    auto res = client.read_response(true);
    REQUIRE(res);
    CHECK(res->status == 101);
    CHECK(res->header("Sec-WebSocket-Protocol") == "chat.v2");
}

TEST_CASE("the handler may close with its own code; a handler that throws closes with 1011") {
    tern::App app;
    app.websocket("/bye", [](tern::Request&, tern::WebSocket& ws) -> tern::Task<void> {
        co_await ws.send_text("welcome");
        co_await ws.close(4000, "done here");
    });
    app.websocket("/boom", [](tern::Request&, tern::WebSocket&) -> tern::Task<void> {
        throw std::runtime_error("handler bug");
        co_return;
    });
    TestServer server{app};
    RawClient client{server.port()};
    open(client, "/bye");
    auto welcome = read_frame(client);
    REQUIRE(welcome);
    CHECK(welcome->payload == "welcome");
    auto bye = read_frame(client);
    REQUIRE(bye);
    CHECK(bye->close_code() == 4000);
    CHECK(bye->payload.substr(2) == "done here");
    client.send(client_frame(close_op, close_payload(4000)));
    CHECK(client.closed_by_peer());
    RawClient boom{server.port()};
    open(boom, "/boom");
    CHECK(closed_with(boom) == 1011);
}

TEST_CASE("a drain closes open sessions with 1001") {
    tern::App app;
    app.websocket("/ws", echo);
    auto server = std::make_unique<TestServer>(app);
    RawClient client{server->port()};
    open(client);
    client.send(client_frame(text, "hi"));
    REQUIRE(read_frame(client));
    std::thread stopper([&] { server->stop(); });
    auto frame = read_frame(client);
    REQUIRE(frame);
    CHECK(frame->opcode == close_op);
    CHECK(frame->close_code() == 1001);
    client.send(client_frame(close_op, close_payload(1001)));
    stopper.join();
}

TEST_CASE("the heartbeat pings a quiet peer and closes with 1001 after the pongs it misses") {
    tern::App app;
    app.websocket("/ws", echo, {.heartbeat = 50ms, .max_missed_pongs = 2});
    TestServer server{app};
    RawClient client{server.port()};
    open(client);
    int pings = 0;
    for (;;) {
        auto frame = read_frame(client);
        REQUIRE(frame);
        if (frame->opcode == ping) {
            ++pings;
            continue;
        }
        CHECK(frame->opcode == close_op);
        CHECK(frame->close_code() == 1001);
        break;
    }
    CHECK(pings == 2);
}

TEST_CASE("a peer that answers the pings is kept; one that is idle past idle_timeout is closed") {
    tern::App app;
    app.websocket("/ws", echo, {.heartbeat = 40ms, .max_missed_pongs = 1});
    app.websocket("/idle", echo, {.heartbeat = std::chrono::milliseconds(0), .idle_timeout = 100ms});
    TestServer server{app};
    RawClient client{server.port()};
    open(client);
    for (int i = 0; i < 5; ++i) {   // five pings answered: still open
        auto frame = read_frame(client);
        REQUIRE(frame);
        REQUIRE(frame->opcode == ping);
        client.send(client_frame(pong, frame->payload));
    }
    client.send(client_frame(text, "alive"));
    for (;;) {
        auto frame = read_frame(client);
        REQUIRE(frame);
        if (frame->opcode == ping) continue;
        CHECK(frame->payload == "alive");
        break;
    }
    RawClient idle{server.port()};
    open(idle, "/idle");
    auto frame = read_frame(idle);
    REQUIRE(frame);
    CHECK(frame->opcode == close_op);
    CHECK(frame->close_code() == 1001);
}

TEST_CASE("send waits while the peer reads nothing, so unsent bytes stay near the high-water mark") {
    std::atomic<std::size_t> sent{0};
    std::atomic<std::size_t> max_unsent{0};
    tern::App app;
    app.websocket("/flood", [&](tern::Request&, tern::WebSocket& ws) -> tern::Task<void> {
        std::string const chunk(16 * 1024, 'f');
        for (int i = 0; i < 100000; ++i) {
            co_await ws.send_binary(chunk);
            ++sent;
            max_unsent = std::max<std::size_t>(max_unsent, ws.unsent());
        }
    }, {.permessage_deflate = false, .high_water = 64 * 1024});
    TestServer server{app};
    RawClient client{server.port()};
    open(client, "/flood");
    std::size_t before = 0;
    for (int i = 0; i < 100; ++i) {
        std::this_thread::sleep_for(50ms);
        if (sent == before && before > 0) break;
        before = sent;
    }
    CHECK(sent == before);                                   // the sender is held back
    CHECK(sent < 100000u);
    CHECK(max_unsent <= 64u * 1024 + 16 * 1024 + 16);        // the mark plus one message
}
