#include <tern/websocket/frame_parser.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace tern::websocket;

namespace {

// RFC 6455 5.7's examples.
constexpr std::string_view unmasked_hello = "\x81\x05Hello";
constexpr std::string_view masked_hello = "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58";
constexpr std::string_view fragmented_hello = "\x01\x03Hel\x80\x02lo";
constexpr std::string_view unmasked_ping = "\x89\x05Hello";
constexpr std::string_view masked_pong = "\x8a\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58";

struct Frame {
    FrameHeader header;
    std::string payload;
};

struct Parsed {
    std::vector<Frame> frames;
    std::optional<Failure> failure;
};

// Every frame in `wire`, fed in pieces of `piece` bytes (0: whole).
Parsed parse_all(FrameParserOptions options, std::string_view wire, std::size_t piece = 0) {
    FrameParser parser(options);
    Parsed parsed;
    std::string payload;
    if (piece == 0) piece = wire.size() + 1;
    for (std::size_t at = 0; at < wire.size(); at += piece) {
        std::string_view in = wire.substr(at, piece);
        for (bool more = true; more;) {
            switch (parser.parse(in, payload)) {
            case FrameParser::Step::need_more: more = false; break;
            case FrameParser::Step::header: payload.clear(); break;
            case FrameParser::Step::frame_end: parsed.frames.push_back({parser.header(), payload}); break;
            case FrameParser::Step::failed: parsed.failure = parser.failure(); return parsed;
            }
        }
    }
    return parsed;
}

FrameParserOptions server_side(bool deflate = false) { return {Role::server, deflate, 1 << 20}; }
FrameParserOptions client_side(bool deflate = false) { return {Role::client, deflate, 1 << 20}; }

// The close code `wire` fails with, fed whole; the same byte by byte is checked too.
int failure_code(FrameParserOptions options, std::string_view wire) {
    Parsed const whole = parse_all(options, wire);
    Parsed const bytewise = parse_all(options, wire, 1);
    REQUIRE(whole.failure.has_value());
    REQUIRE(bytewise.failure.has_value());
    CHECK(*whole.failure == *bytewise.failure);
    return to_int(whole.failure->code);
}

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (int v : values) out.push_back(static_cast<char>(v));
    return out;
}

}  // namespace

TEST_CASE("RFC 6455's unmasked and masked Hello parse, whole and one byte at a time") {
    for (std::size_t piece : {0, 1, 2, 3}) {
        Parsed const plain = parse_all(client_side(), unmasked_hello, piece);
        REQUIRE(plain.frames.size() == 1);
        CHECK(plain.frames[0].header.fin);
        CHECK(plain.frames[0].header.opcode == Opcode::text);
        CHECK_FALSE(plain.frames[0].header.masked);
        CHECK(plain.frames[0].payload == "Hello");

        Parsed const masked = parse_all(server_side(), masked_hello, piece);
        REQUIRE(masked.frames.size() == 1);
        CHECK(masked.frames[0].header.masked);
        CHECK(masked.frames[0].header.mask == MaskKey{0x37, 0xfa, 0x21, 0x3d});
        CHECK(masked.frames[0].payload == "Hello");
    }
}

TEST_CASE("RFC 6455's fragmented Hello is two frames, the first without FIN") {
    Parsed const parsed = parse_all(client_side(), fragmented_hello, 1);
    REQUIRE(parsed.frames.size() == 2);
    CHECK_FALSE(parsed.frames[0].header.fin);
    CHECK(parsed.frames[0].header.opcode == Opcode::text);
    CHECK(parsed.frames[0].payload == "Hel");
    CHECK(parsed.frames[1].header.fin);
    CHECK(parsed.frames[1].header.opcode == Opcode::continuation);
    CHECK(parsed.frames[1].payload == "lo");
}

TEST_CASE("RFC 6455's ping and masked pong parse as control frames") {
    Parsed const ping = parse_all(client_side(), unmasked_ping);
    REQUIRE(ping.frames.size() == 1);
    CHECK(ping.frames[0].header.opcode == Opcode::ping);
    Parsed const pong = parse_all(server_side(), masked_pong, 1);
    REQUIRE(pong.frames.size() == 1);
    CHECK(pong.frames[0].header.opcode == Opcode::pong);
    CHECK(pong.frames[0].payload == "Hello");
}

TEST_CASE("RFC 6455's 256-byte and 64 KiB binary frames use the 16- and 64-bit lengths") {
    std::string const small = bytes({0x82, 0x7e, 0x01, 0x00}) + std::string(256, 'x');
    Parsed const parsed_small = parse_all(client_side(), small, 7);
    REQUIRE(parsed_small.frames.size() == 1);
    CHECK(parsed_small.frames[0].header.length == 256);
    CHECK(parsed_small.frames[0].payload == std::string(256, 'x'));

    std::string const large = bytes({0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0}) + std::string(65536, 'y');
    Parsed const parsed_large = parse_all(client_side(), large, 1000);
    REQUIRE(parsed_large.frames.size() == 1);
    CHECK(parsed_large.frames[0].header.length == 65536);
    CHECK(parsed_large.frames[0].payload.size() == 65536);
}

TEST_CASE("an empty frame ends right after its header, even with no bytes left") {
    FrameParser parser(client_side());
    std::string_view in = std::string_view("\x89\x00", 2);
    std::string payload;
    CHECK(parser.parse(in, payload) == FrameParser::Step::header);
    CHECK(in.empty());
    CHECK(parser.parse(in, payload) == FrameParser::Step::frame_end);
    CHECK(payload.empty());
}

TEST_CASE("a masked payload split at every offset unmasks with the right phase of the key") {
    std::string const wire = std::string(masked_hello) + std::string(masked_hello);
    for (std::size_t piece = 1; piece <= wire.size(); ++piece) {
        Parsed const parsed = parse_all(server_side(), wire, piece);
        REQUIRE(parsed.frames.size() == 2);
        CHECK(parsed.frames[1].payload == "Hello");
    }
}

TEST_CASE("RSV2 or RSV3 set is a protocol error (1002)") {
    CHECK(failure_code(client_side(true), bytes({0xa1, 0x00})) == 1002);
    CHECK(failure_code(client_side(true), bytes({0x91, 0x00})) == 1002);
}

TEST_CASE("RSV1 without permessage-deflate is a protocol error (1002)") {
    CHECK(failure_code(client_side(), bytes({0xc1, 0x00})) == 1002);
    CHECK(parse_all(client_side(true), bytes({0xc1, 0x00})).frames.size() == 1);
}

TEST_CASE("RSV1 on a continuation or control frame is a protocol error even with deflate (1002)") {
    CHECK(failure_code(client_side(true), bytes({0xc0, 0x00})) == 1002);
    CHECK(failure_code(client_side(true), bytes({0xc9, 0x00})) == 1002);
}

TEST_CASE("the reserved opcodes 3-7 and 11-15 are protocol errors (1002)") {
    for (int opcode : {3, 4, 5, 6, 7, 11, 12, 13, 14, 15}) {
        CAPTURE(opcode);
        CHECK(failure_code(client_side(), bytes({0x80 | opcode, 0x00})) == 1002);
    }
}

TEST_CASE("a fragmented control frame is a protocol error (1002)") {
    CHECK(failure_code(client_side(), bytes({0x09, 0x00})) == 1002);
    CHECK(failure_code(client_side(), bytes({0x08, 0x00})) == 1002);
}

TEST_CASE("a control frame over 125 bytes is a protocol error, before its payload arrives (1002)") {
    CHECK(failure_code(client_side(), bytes({0x89, 0x7e, 0x00, 0x7e})) == 1002);
    CHECK(failure_code(client_side(), bytes({0x88, 0x7e})) == 1002);
    CHECK(parse_all(client_side(), bytes({0x89, 0x7d}) + std::string(125, 'p')).frames.size() == 1);
}

TEST_CASE("a 64-bit length with its top bit set is a protocol error (1002)") {
    CHECK(failure_code(client_side(), bytes({0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0})) == 1002);
}

TEST_CASE("a length not in its minimal encoding is a protocol error (1002)") {
    CHECK(failure_code(client_side(), bytes({0x82, 0x7e, 0x00, 0x7d})) == 1002);
    CHECK(failure_code(client_side(), bytes({0x82, 0x7f, 0, 0, 0, 0, 0, 0, 0xff, 0xff})) == 1002);
    CHECK(failure_code(client_side(), bytes({0x82, 0x7f, 0, 0, 0, 0, 0, 0, 0, 5})) == 1002);
}

TEST_CASE("a server requires masked frames and a client refuses them (1002)") {
    CHECK(failure_code(server_side(), unmasked_hello) == 1002);
    CHECK(failure_code(client_side(), masked_hello) == 1002);
}

TEST_CASE("a frame over the size limit fails from its header alone, before any payload (1009)") {
    FrameParser parser({Role::client, false, 1000});
    std::string const header = bytes({0x82, 0x7e, 0x03, 0xe9});  // 1001 bytes announced
    std::string_view in = header;
    std::string payload;
    CHECK(parser.parse(in, payload) == FrameParser::Step::failed);
    CHECK(parser.failure().code == CloseCode::message_too_big);
    CHECK(parser.parse(in, payload) == FrameParser::Step::failed);  // and stays failed

    std::string const at_limit = bytes({0x82, 0x7e, 0x03, 0xe8}) + std::string(1000, 'z');
    CHECK(parse_all({Role::client, false, 1000}, at_limit).frames.size() == 1);
}

TEST_CASE("an error in the first two bytes is found before the extended length arrives") {
    FrameParser parser(server_side());
    std::string_view in = "\x82\x7f";  // unmasked to a server, 64-bit length still to come
    std::string payload;
    CHECK(parser.parse(in, payload) == FrameParser::Step::failed);
}
