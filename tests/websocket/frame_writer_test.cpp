#include <tern/websocket/frame_writer.hpp>

#include <doctest/doctest.h>

#include "websocket/event_log.hpp"

#include <string>
#include <vector>

using namespace tern::websocket;
using tern::websocket::testing::example_key;
using tern::websocket::testing::run;

TEST_CASE("write_frame produces RFC 6455's unmasked and masked Hello byte for byte") {
    std::string out;
    write_frame(out, Opcode::text, "Hello");
    CHECK(out == "\x81\x05Hello");
    out.clear();
    write_frame(out, Opcode::text, "Hello", true, false, example_key);
    CHECK(out == "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58");
}

TEST_CASE("write_frame appends after what the output already holds") {
    std::string out = "head";
    write_frame(out, Opcode::ping, "", true, false, example_key);
    CHECK(out == std::string("head\x89\x80\x37\xfa\x21\x3d", 10));
}

TEST_CASE("lengths take the shortest of the three encodings") {
    struct Case {
        std::size_t length;
        std::size_t header;
    };
    for (Case c : {Case{0, 2}, Case{125, 2}, Case{126, 4}, Case{65535, 4}, Case{65536, 10}}) {
        std::string out;
        write_frame(out, Opcode::binary, std::string(c.length, 'b'));
        CAPTURE(c.length);
        CHECK(out.size() == c.header + c.length);
        AssemblerOptions options{Role::client, 1 << 20, std::nullopt};
        std::vector<std::string> const events = run(options, out);
        REQUIRE(events.size() == 1);
        CHECK(events[0] == "binary:" + std::string(c.length, 'b'));
    }
}

TEST_CASE("a long close reason is cut to 123 bytes at a code point boundary") {
    CHECK(fit_close_reason(std::string(200, 'r')).size() == 123);
    CHECK(fit_close_reason(std::string(123, 'r')).size() == 123);
    std::string const accented = std::string(122, 'r') + "\xc3\xa9";  // é straddles the limit
    CHECK(fit_close_reason(accented) == std::string(122, 'r'));
    std::string const euros = std::string(121, 'r') + "\xe2\x82\xac\xe2\x82\xac";
    CHECK(fit_close_reason(euros) == std::string(121, 'r'));
    CHECK(valid_utf8(fit_close_reason(std::string(200, 'r') + "\xe2\x82\xac")));
}

TEST_CASE("a close frame holds the code in network order, then the reason") {
    CHECK(close_payload(CloseCode::normal, "bye") == "\x03\xe8" "bye");
    std::string out;
    write_close_frame(out, CloseCode::going_away, std::string(300, 'x'));
    CHECK(out.size() == 2 + 125);
    AssemblerOptions options{Role::client, 1 << 20, std::nullopt};
    CHECK(run(options, out) == std::vector<std::string>{"close:1001:" + std::string(123, 'x')});
}

TEST_CASE("the message writer fragments a large message into frames of the given size") {
    MessageWriter writer({Role::server, {}, std::nullopt, 6, 4});
    std::string out;
    writer.write_message(out, "abcdefghij", false);
    CHECK(out == tern::websocket::testing::wire("\x01\x04" "abcd" "\x00\x04" "efgh" "\x80\x02" "ij"));
    AssemblerOptions options{Role::client, 1 << 20, std::nullopt};
    CHECK(run(options, out, 1) == std::vector<std::string>{"text:abcdefghij"});
}

TEST_CASE("an empty message is a single empty frame, fragmented or not") {
    MessageWriter writer({Role::server, {}, std::nullopt, 6, 4});
    std::string out;
    writer.write_message(out, "", true);
    CHECK(out == std::string("\x82\x00", 2));
}

TEST_CASE("a client's message writer masks every frame with a fresh key from its source") {
    std::uint8_t next = 1;
    auto keys = [&next] {
        MaskKey key{next, next, next, next};
        ++next;
        return key;
    };
    MessageWriter writer({Role::client, keys, std::nullopt, 6, 3});
    std::string out;
    writer.write_message(out, "abcdef", true);
    writer.write_control(out, Opcode::ping, "hb");
    writer.write_close(out, CloseCode::normal, "done");
    CHECK(next == 5);  // two fragments, a ping and a close: four keys
    AssemblerOptions options{Role::server, 1 << 20, std::nullopt};
    CHECK(run(options, out, 1) == std::vector<std::string>{"binary:abcdef", "ping:hb", "close:1000:done"});
}

TEST_CASE("a close frame without a code answers a peer's close that had none") {
    MessageWriter writer({Role::server, {}, std::nullopt, 6, 0});
    std::string out;
    writer.write_close(out);
    CHECK(out == tern::websocket::testing::wire("\x88\x00"));
}
