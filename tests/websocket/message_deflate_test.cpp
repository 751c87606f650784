// permessage-deflate through the assembler and the message writer: RFC 7692 7.2.3's examples,
// round trips with and without context takeover, and bombs.
#include <tern/websocket/message_assembler.hpp>

#include <tern/compress/decoder.hpp>
#include <tern/compress/encoder.hpp>
#include <tern/websocket/frame_writer.hpp>

#include <doctest/doctest.h>

#include "websocket/event_log.hpp"

#include <string>
#include <vector>

using namespace tern::websocket;
using namespace tern::websocket::testing;
using tern::compress::Decoder;
using tern::compress::Format;
using Events = std::vector<std::string>;

namespace {

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (int v : values) out.push_back(static_cast<char>(v));
    return out;
}

AssemblerOptions client_reader(DeflateParams params = {}, std::size_t max = 1 << 20) {
    return {Role::client, max, params};
}

AssemblerOptions server_reader(DeflateParams params = {}, std::size_t max = 1 << 20) {
    return {Role::server, max, params};
}

MessageWriterOptions server_writer(DeflateParams params = {}, std::size_t fragment = 0) {
    return {Role::server, {}, params, 6, fragment};
}

// The payload of a one-frame message as a server writes it (header of 2 or 4 bytes dropped).
std::string payload_of(std::string const& frame) {
    std::size_t const len7 = static_cast<unsigned char>(frame[1]) & 0x7f;
    return frame.substr(len7 == 126 ? 4 : 2);
}

// Inflates one permessage-deflate payload on its own, as a receiver without context would.
std::string inflate_alone(std::string_view payload) {
    Decoder decoder(Format::raw, 1 << 20);
    std::string out;
    decoder.write(payload, out);
    decoder.write(tern::compress::sync_flush_tail, out);
    return out;
}

}  // namespace

TEST_CASE("RFC 7692 7.2.3.1: Hello compressed is f2 48 cd c9 c9 07 00, and the writer makes it") {
    std::string const wire = bytes({0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00});
    CHECK(run_both(client_reader(), wire) == Events{"text:Hello"});
    MessageWriter writer(server_writer());
    std::string out;
    writer.write_message(out, "Hello", false);
    CHECK(out == wire);
}

TEST_CASE("RFC 7692 7.2.3.1: a compressed message split into two fragments") {
    std::string const wire = bytes({0x41, 0x03, 0xf2, 0x48, 0xcd, 0x80, 0x04, 0xc9, 0xc9, 0x07, 0x00});
    CHECK(run_both(client_reader(), wire) == Events{"text:Hello"});
}

TEST_CASE("RFC 7692 7.2.3.2: the second Hello refers back to the first through the shared window") {
    std::string const first = bytes({0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00});
    std::string const second = bytes({0xc1, 0x05, 0xf2, 0x00, 0x11, 0x00, 0x00});
    CHECK(run_both(client_reader(), first + second) == Events{"text:Hello", "text:Hello"});
    MessageWriter writer(server_writer());
    std::string out;
    writer.write_message(out, "Hello", false);
    writer.write_message(out, "Hello", false);
    CHECK(out == first + second);
}

TEST_CASE("RFC 7692 7.2.3.3: a stored (uncompressed) DEFLATE block") {
    std::string const wire = bytes({0xc1, 0x0b, 0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00});
    CHECK(run_both(client_reader(), wire) == Events{"text:Hello"});
}

TEST_CASE("RFC 7692 7.2.3.4: a message ended by a final block, and the stream starting again after it") {
    std::string const wire = bytes({0xc1, 0x08, 0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00});
    std::string const next = bytes({0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00});
    CHECK(run_both(client_reader(), wire + next) == Events{"text:Hello", "text:Hello"});
}

TEST_CASE("RFC 7692 7.2.3.5: two DEFLATE blocks in one message") {
    std::string const wire = bytes({0xc1, 0x0d, 0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00});
    CHECK(run_both(client_reader(), wire) == Events{"text:Hello"});
}

TEST_CASE("RFC 7692 7.2.3.6: an empty compressed message is the byte 00") {
    CHECK(run_both(client_reader(), bytes({0xc1, 0x01, 0x00})) == Events{"text:"});
    MessageWriter writer(server_writer());
    std::string out;
    writer.write_message(out, "", false);
    CHECK(out == bytes({0xc1, 0x01, 0x00}));
}

TEST_CASE("messages round-trip with context takeover, each after the first shrinking") {
    std::string const message = "{\"type\":\"tick\",\"symbol\":\"TERN\",\"price\":101.25,\"volume\":1200}";
    MessageWriter writer(server_writer());
    std::string first, second;
    writer.write_message(first, message, false);
    writer.write_message(second, message, false);
    CHECK(second.size() < first.size() / 2);
    CHECK(run_both(client_reader(), first + second) == Events{"text:" + message, "text:" + message});
}

TEST_CASE("with server_no_context_takeover every message inflates on its own") {
    DeflateParams params;
    params.server_no_context_takeover = true;
    MessageWriter writer(server_writer(params));
    std::string const message(300, 'q');
    std::string first, second;
    writer.write_message(first, message, true);
    writer.write_message(second, message, true);
    CHECK(first == second);
    CHECK(inflate_alone(payload_of(second)) == message);
    CHECK(run_both(client_reader(params), first + second) == Events{"binary:" + message, "binary:" + message});
}

TEST_CASE("a reader resets its inflater after each message when the peer has no context takeover") {
    // Messages compressed each by a fresh encoder, and the reader told so, read correctly; the
    // reset is what lets a reader drop the window between messages.
    DeflateParams params;
    params.client_no_context_takeover = true;
    std::uint8_t next = 9;
    MessageWriter writer({Role::client, [&next] { return MaskKey{next++, 1, 2, 3}; }, params, 6, 0});
    std::string wire;
    for (int i = 0; i < 3; ++i) writer.write_message(wire, "again and again and again", false);
    CHECK(run_both(server_reader(params), wire) == Events(3, "text:again and again and again"));
}

TEST_CASE("a compressed message fragmented by the writer is read back, RSV1 on its first frame only") {
    MessageWriter writer(server_writer({}, 5));
    std::string message;
    for (int i = 0; i < 200; ++i) message += std::to_string(i * 7919 % 1000) + ",";
    std::string out;
    writer.write_message(out, message, false);
    CHECK((static_cast<unsigned char>(out[0]) & 0x40) != 0);
    CHECK((static_cast<unsigned char>(out[2 + 5]) & 0x40) == 0);
    CHECK(run_both(client_reader(), out) == Events{"text:" + message});
}

TEST_CASE("an uncompressed message is fine on a connection with permessage-deflate") {
    MessageWriter writer(server_writer());
    std::string out;
    writer.write_message(out, "as is", false, false);
    CHECK(out == "\x81\x05" "as is");
    writer.write_message(out, "Hello", false);
    CHECK(run_both(client_reader(), out) == Events{"text:as is", "text:Hello"});
}

TEST_CASE("the writer's compressed payload inflates with zlib's own raw inflater") {
    MessageWriter writer(server_writer());
    std::string message;
    for (int i = 0; i < 5000; ++i) message += static_cast<char>('a' + i % 7);
    std::string out;
    writer.write_message(out, message, true);
    CHECK(inflate_alone(payload_of(out)) == message);
}

TEST_CASE("a deflate bomb fails with 1009 once the inflated size passes the limit") {
    tern::compress::Encoder encoder(Format::raw, 9);
    std::string payload;
    encoder.write(std::string(8 * 1024 * 1024, '\0'), payload);
    encoder.flush(payload);
    payload.resize(payload.size() - 4);
    CHECK(payload.size() < 64 * 1024);
    std::string wire;
    write_frame(wire, Opcode::binary, payload, true, true);
    CHECK(run(client_reader({}, 1 << 20), wire) == Events{"fail:1009"});
}

TEST_CASE("a compressed message that does not inflate is invalid payload (1007)") {
    CHECK(run_both(client_reader(), bytes({0xc1, 0x03, 0xff, 0xff, 0xff})) == Events{"fail:1007"});
}

TEST_CASE("compressed text that inflates to invalid UTF-8 fails with 1007") {
    tern::compress::Encoder encoder(Format::raw);
    std::string payload;
    encoder.write("bad \xed\xa0\x80 text", payload);
    encoder.flush(payload);
    payload.resize(payload.size() - 4);
    std::string wire;
    write_frame(wire, Opcode::text, payload, true, true);
    CHECK(run_both(client_reader(), wire) == Events{"fail:1007"});
}

TEST_CASE("a compressed frame much larger than the limit fails from its header (1009)") {
    std::string wire = bytes({0xc2, 0x7f, 0, 0, 0, 0, 0, 0x10, 0, 0});  // 1 MiB announced
    CHECK(run(client_reader({}, 1000), wire) == Events{"fail:1009"});
}

TEST_CASE("a compressed message with no payload at all is empty and leaves the stream intact") {
    std::string const next = bytes({0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00});
    CHECK(run_both(client_reader(), bytes({0xc1, 0x00}) + next) == Events{"text:", "text:Hello"});
}

TEST_CASE("compressed text that goes wrong before passing the limit fails with 1007, in any pieces") {
    // Found by fuzz_wsframe: whole, the inflater passed the limit before the text was checked.
    std::string const wire = bytes({0xc1, 0x0b, 0x62, 0x18, 0x05, 0x0d, 0xa3, 0x00});
    CHECK(run_both(client_reader({}, 300), wire) == Events{"fail:1007"});
}
