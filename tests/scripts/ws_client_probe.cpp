// tern's WebSocket client against a server it did not write (websocket_client_test.sh starts
// Node's ws): echo of several sizes, text and binary, a subprotocol, then the closing handshake.
// Usage: ws_client_probe URL; prints one line per check and exits 1 if any failed.
#include <cstdio>
#include <string>

#include <tern/tern.hpp>

namespace {

int failures = 0;

void check(bool ok, std::string const& what) {
    std::printf("%s: %s\n", ok ? "ok" : "FAIL", what.c_str());
    if (!ok) ++failures;
}

tern::Task<void> probe(std::string url) {
    tern::websocket::ConnectOptions options;
    options.protocols = {"echo.v1"};
    auto ws = co_await tern::websocket::connect(url, options);
    check(ws->protocol() == "echo.v1", "the server chose the offered subprotocol");
    check(ws->permessage_deflate(), "permessage-deflate was agreed");
    for (std::size_t size : {0u, 1u, 125u, 126u, 65535u, 65536u, 1u << 20}) {
        std::string text(size, 'a');
        for (std::size_t i = 0; i < size; ++i) text[i] = static_cast<char>('a' + i % 26);
        co_await ws->send_text(text);
        std::optional<tern::websocket::Message> back = co_await ws->receive();
        check(back && !back->binary && back->data == text, "text of " + std::to_string(size) + " bytes echoed");
        std::string bytes(size, '\0');
        for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>(i * 7);
        co_await ws->send_binary(bytes);
        std::optional<tern::websocket::Message> back_bytes = co_await ws->receive();
        check(back_bytes && back_bytes->binary && back_bytes->data == bytes, "binary of " + std::to_string(size) + " bytes echoed");
    }
    co_await ws->close(4000, "probe done");
    check(ws->close_code() == 4000, "the close handshake completed with our code (got " + std::to_string(ws->close_code()) + ")");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s ws://host:port/path\n", argv[0]);
        return 2;
    }
    try {
        tern::run(probe(argv[1]));
    } catch (std::exception const& e) {
        std::printf("FAIL: %s\n", e.what());
        return 1;
    }
    return failures == 0 ? 0 : 1;
}
