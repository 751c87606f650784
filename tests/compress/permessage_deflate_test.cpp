// How WebSocket's permessage-deflate (RFC 7692) uses the encoder and decoder: raw deflate, each
// message ended by a sync flush whose four-byte tail is stripped on the wire and appended again
// by the receiver, and context takeover (or not) across messages.
#include <tern/compress/decoder.hpp>
#include <tern/compress/encoder.hpp>

#include <doctest/doctest.h>

#include <string>

using tern::compress::Decoder;
using tern::compress::Encoder;
using tern::compress::Format;
using tern::compress::sync_flush_tail;

namespace {

constexpr std::size_t max_message = 1024 * 1024;

// RFC 7692 7.2.1: compress, sync flush, strip the tail.
std::string send(Encoder& encoder, std::string_view message) {
    std::string payload;
    encoder.write(message, payload);
    encoder.flush(payload);
    if (payload.ends_with(sync_flush_tail)) payload.resize(payload.size() - sync_flush_tail.size());
    return payload;
}

// RFC 7692 7.2.2: append the tail, inflate; each message has its own size limit.
std::string receive(Decoder& decoder, std::string_view payload) {
    std::string message;
    decoder.restart_count();
    decoder.write(payload, message);
    decoder.write(sync_flush_tail, message);
    return message;
}

}  // namespace

TEST_CASE("a message goes out without the sync flush tail and is read with it appended") {
    Encoder encoder(Format::raw);
    Decoder decoder(Format::raw, max_message);
    std::string const payload = send(encoder, "Hello");
    CHECK_FALSE(payload.ends_with(sync_flush_tail));
    CHECK(receive(decoder, payload) == "Hello");
    CHECK_FALSE(decoder.finished());  // the stream goes on with the next message
}

TEST_CASE("with context takeover a repeated message refers to the previous one and shrinks") {
    Encoder encoder(Format::raw);
    Decoder decoder(Format::raw, max_message);
    std::string const message = "{\"type\":\"update\",\"payload\":{\"price\":101.25,\"symbol\":\"TERN\"}}";
    std::string const first = send(encoder, message);
    std::string const second = send(encoder, message);
    CHECK(second.size() < first.size() / 2);
    CHECK(receive(decoder, first) == message);
    CHECK(receive(decoder, second) == message);
}

TEST_CASE("without context takeover a reset after each message makes it decodable alone") {
    Encoder encoder(Format::raw);
    for (std::string_view message : {"one message", "one message", "another"}) {
        std::string const payload = send(encoder, message);
        encoder.reset();  // server_no_context_takeover
        Decoder fresh(Format::raw, max_message);
        CHECK(receive(fresh, payload) == message);
    }
}

TEST_CASE("an empty first message is the single byte 00, as RFC 7692 7.2.3.6 shows") {
    Encoder encoder(Format::raw);
    CHECK(send(encoder, "") == std::string(1, '\0'));
}

TEST_CASE("an empty message after another is the byte 00 too, which the receiver reads as empty") {
    // An empty payload would not do: the receiver's appended tail alone is not a whole block.
    Encoder encoder(Format::raw);
    Decoder decoder(Format::raw, max_message);
    CHECK(receive(decoder, send(encoder, "before")) == "before");
    std::string const empty = send(encoder, "");
    CHECK(empty == std::string(1, '\0'));
    CHECK(receive(decoder, empty).empty());
    CHECK(receive(decoder, send(encoder, "after")) == "after");
}

TEST_CASE("a negotiated 9-bit window is honoured by both sides") {
    // server_max_window_bits=9: 512-byte back references at most, so a 9-bit decoder copes.
    std::string message;
    for (int i = 0; i < 2000; ++i) message += "line " + std::to_string(i % 37) + ";";
    Encoder encoder(Format::raw, 6, 9);
    Decoder decoder(Format::raw, max_message, 9);
    CHECK(receive(decoder, send(encoder, message)) == message);
}

TEST_CASE("the size limit applies to each message while the window spans them") {
    Encoder encoder(Format::raw);
    Decoder decoder(Format::raw, 1000);
    std::string const message(800, 'm');
    CHECK(receive(decoder, send(encoder, message)) == message);
    CHECK(receive(decoder, send(encoder, message)) == message);  // 1600 in all, 800 per message
    CHECK_THROWS_AS(receive(decoder, send(encoder, std::string(1001, 'm'))), tern::compress::TooLarge);
}

TEST_CASE("a message ended by a final block finishes the stream, and reset readies the next") {
    // RFC 7692 7.2.3.3 allows a sender to end a message with BFINAL set; the receiver's stream
    // then ends and must start again.
    Encoder encoder(Format::raw);
    std::string payload;
    encoder.write("final", payload);
    encoder.finish(payload);
    Decoder decoder(Format::raw, max_message);
    std::string message;
    decoder.write(payload, message);
    CHECK(decoder.finished());
    CHECK(message == "final");
    decoder.reset();
    encoder.reset();
    CHECK(receive(decoder, send(encoder, "next")) == "next");
}
