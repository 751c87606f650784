#pragma once
// Test helpers shared by the websocket tests and the fuzz target: frames built for either
// role, and a MessageAssembler run over wire bytes fed in pieces, its events as strings.
#include <tern/websocket/frame_writer.hpp>
#include <tern/websocket/message_assembler.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tern::websocket::testing {

/// A string literal's bytes, NULs included (a plain literal as string_view stops at its first 00).
template <std::size_t N>
std::string wire(char const (&literal)[N]) {
    return std::string(literal, N - 1);
}

/// The key RFC 6455 5.7's examples mask with.
inline constexpr MaskKey example_key{0x37, 0xfa, 0x21, 0x3d};

/// A frame as a client sends it (masked), for a server-role reader.
inline std::string client_frame(Opcode opcode, std::string_view payload, bool fin = true, bool rsv1 = false) {
    std::string out;
    write_frame(out, opcode, payload, fin, rsv1, example_key);
    return out;
}

/// A frame as a server sends it (unmasked), for a client-role reader.
inline std::string server_frame(Opcode opcode, std::string_view payload, bool fin = true, bool rsv1 = false) {
    std::string out;
    write_frame(out, opcode, payload, fin, rsv1);
    return out;
}

/// One event as a line: "text:Hello", "binary:..", "ping:..", "pong:..", "close:1000:bye",
/// "fail:1002", so that sequences compare with == and print readably.
inline std::string describe(Event const& event) {
    if (auto const* m = std::get_if<Message>(&event)) return (m->binary ? "binary:" : "text:") + m->data;
    if (auto const* p = std::get_if<Ping>(&event)) return "ping:" + p->payload;
    if (auto const* p = std::get_if<Pong>(&event)) return "pong:" + p->payload;
    if (auto const* c = std::get_if<Close>(&event)) return "close:" + std::to_string(to_int(c->code)) + ":" + c->reason;
    if (auto const* f = std::get_if<Failure>(&event)) return "fail:" + std::to_string(to_int(f->code));
    return "need-more";
}

/// Runs `assembler` over `wire`, fed in pieces of `piece` bytes (0: whole), and returns every
/// event but NeedMore, up to and including the first Close or Failure.
inline std::vector<std::string> run(MessageAssembler& assembler, std::string_view wire, std::size_t piece = 0) {
    std::vector<std::string> events;
    if (piece == 0) piece = wire.size() + 1;
    for (std::size_t at = 0; at < wire.size(); at += piece) {
        std::string_view in = wire.substr(at, piece);
        for (;;) {
            Event event = assembler.next(in);
            if (std::holds_alternative<NeedMore>(event)) break;
            events.push_back(describe(event));
            if (std::holds_alternative<Close>(event) || std::holds_alternative<Failure>(event)) return events;
        }
    }
    return events;
}

/// A fresh assembler with `options` over `wire`, as run() above.
inline std::vector<std::string> run(AssemblerOptions const& options, std::string_view wire, std::size_t piece = 0) {
    MessageAssembler assembler(options);
    return run(assembler, wire, piece);
}

/// The events whole and byte by byte, which must agree; returns them.
inline std::vector<std::string> run_both(AssemblerOptions const& options, std::string_view wire) {
    std::vector<std::string> whole = run(options, wire);
    std::vector<std::string> bytewise = run(options, wire, 1);
    if (whole != bytewise) whole.push_back("whole and byte-by-byte differ");
    return whole;
}

}  // namespace tern::websocket::testing
