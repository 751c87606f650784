// libFuzzer target for the websocket layer's codec: FrameParser, MessageAssembler (with and
// without permessage-deflate), write_frame and MessageWriter.
// The input's first byte chooses the role, deflate and its context takeover, the size limit and
// how the rest is cut into feeds. The rest is read as wire bytes, whole and in pieces: both must
// give the same events (or fail with the same close code), and no message may pass the limit.
// The rest is also a payload: framed by write_frame and parsed back, and sent as messages by a
// MessageWriter to an assembler of the other role, which must give them back unchanged.
#include <tern/websocket/frame_parser.hpp>
#include <tern/websocket/frame_writer.hpp>
#include <tern/websocket/message_assembler.hpp>
#include <tern/websocket/utf8.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "websocket/event_log.hpp"

namespace {

using namespace tern::websocket;

void check(bool ok, char const* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant failed: %s\n", what);
        std::abort();
    }
}

struct Setup {
    Role role;
    std::optional<DeflateParams> deflate;
    std::size_t max_message;
    std::uint8_t cut_seed;
};

Setup setup_for(std::uint8_t choice) {
    Setup setup{(choice & 1) ? Role::client : Role::server, std::nullopt, (choice & 8) ? 65536u : 300u,
                static_cast<std::uint8_t>(choice >> 4)};
    if (choice & 2) {
        DeflateParams params;
        params.server_no_context_takeover = choice & 4;
        params.client_no_context_takeover = choice & 4;
        setup.deflate = params;
    }
    return setup;
}

// Cut points from a tiny generator seeded by `seed`: pieces of 1 to 1 + seed * 4 bytes, so that
// seed 0 feeds one byte at a time.
std::vector<std::size_t> cuts_for(std::uint8_t seed, std::size_t size) {
    std::vector<std::size_t> cuts;
    std::uint32_t state = seed * 2654435761u + 1;
    std::size_t const longest = 1 + seed * 4u;
    for (std::size_t at = 0;;) {
        state = state * 1103515245u + 12345u;
        at += 1 + (state >> 16) % longest;
        if (at >= size) return cuts;
        cuts.push_back(at);
    }
}

// The events of `wire` fed at `cuts`, up to the first Close or Failure; each message checked
// against the limit.
std::vector<std::string> events_of(AssemblerOptions const& options, std::string_view wire,
                                   std::vector<std::size_t> const& cuts) {
    MessageAssembler assembler(options);
    std::vector<std::string> events;
    std::size_t from = 0;
    for (std::size_t i = 0; i <= cuts.size(); ++i) {
        std::size_t const to = i < cuts.size() ? cuts[i] : wire.size();
        std::string_view in = wire.substr(from, to - from);
        from = to;
        for (;;) {
            Event event = assembler.next(in);
            if (std::holds_alternative<NeedMore>(event)) break;
            if (auto const* message = std::get_if<Message>(&event)) {
                check(message->data.size() <= options.max_message_size, "a message passes the limit");
                check(message->binary || valid_utf8(message->data), "a text message is not UTF-8");
            }
            events.push_back(testing::describe(event));
            if (std::holds_alternative<Close>(event) || std::holds_alternative<Failure>(event)) return events;
        }
        check(in.empty(), "next() returned NeedMore with bytes left");
    }
    return events;
}

void wire_whole_and_in_pieces(Setup const& setup, std::string_view wire) {
    AssemblerOptions const options{setup.role, setup.max_message, setup.deflate};
    std::vector<std::string> const whole = events_of(options, wire, {});
    std::vector<std::string> const pieces = events_of(options, wire, cuts_for(setup.cut_seed, wire.size()));
    if (whole != pieces) {
        for (auto const& e : pieces) std::fprintf(stderr, "in pieces: %.60s\n", e.c_str());
        for (auto const& e : whole) std::fprintf(stderr, "whole: %.60s\n", e.c_str());
        check(false, "whole and in pieces differ");
    }
}

MaskKey key_from(std::string_view bytes) {
    MaskKey key{0x5a, 0xa5, 0x3c, 0xc3};
    for (std::size_t i = 0; i < bytes.size() && i < 4; ++i) key[i] = static_cast<std::uint8_t>(bytes[i]);
    return key;
}

// write_frame, then FrameParser at the cuts, gives the payload back.
void frame_round_trip(Setup const& setup, std::string_view payload) {
    bool const masked = setup.role == Role::client;  // we write as a client, the parser reads as a server
    std::string wire;
    write_frame(wire, Opcode::binary, payload, true, false, masked ? std::optional(key_from(payload)) : std::nullopt);
    FrameParser parser({masked ? Role::server : Role::client, false, payload.size()});
    std::string out;
    std::string_view in = wire;
    check(parser.parse(in, out) == FrameParser::Step::header, "no header");
    check(parser.header().length == payload.size(), "wrong length");
    check(parser.parse(in, out) == FrameParser::Step::frame_end, "no frame end");
    check(in.empty() && out == payload, "the payload does not come back");
}

// Messages from a MessageWriter of one role read back by an assembler of the other.
void message_round_trip(Setup const& setup, std::string_view payload) {
    Role const writer_role = setup.role == Role::server ? Role::client : Role::server;
    std::uint32_t state = 7;
    MessageWriterOptions writer_options{writer_role, [&state] {
        state = state * 1103515245u + 12345u;
        return MaskKey{static_cast<std::uint8_t>(state >> 24), static_cast<std::uint8_t>(state >> 16),
                       static_cast<std::uint8_t>(state >> 8), static_cast<std::uint8_t>(state)};
    }, setup.deflate, 6, setup.cut_seed};
    MessageWriter writer(writer_options);
    std::string wire;
    std::vector<std::string> expected;
    std::string_view const half = payload.substr(0, payload.size() / 2);
    writer.write_message(wire, half, true);
    expected.push_back("binary:" + std::string(half));
    writer.write_control(wire, Opcode::ping, payload.substr(0, max_control_payload));
    expected.push_back("ping:" + std::string(payload.substr(0, max_control_payload)));
    if (valid_utf8(payload)) {
        writer.write_message(wire, payload, false, payload.size() % 2 == 0);
        expected.push_back("text:" + std::string(payload));
    }
    writer.write_message(wire, half, true);
    expected.push_back("binary:" + std::string(half));
    AssemblerOptions const options{setup.role, payload.size() + 1, setup.deflate};
    check(events_of(options, wire, cuts_for(setup.cut_seed, wire.size())) == expected, "messages do not come back");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    if (size == 0) return 0;
    Setup const setup = setup_for(data[0]);
    std::string_view const rest(reinterpret_cast<char const*>(data) + 1, size - 1);
    wire_whole_and_in_pieces(setup, rest);
    frame_round_trip(setup, rest);
    message_round_trip(setup, rest);
    return 0;
}
