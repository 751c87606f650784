#include <tern/compress/encoder.hpp>  // first include: proves the header is self-contained

#include "zlib_reference.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using tern::compress::Encoder;
using tern::compress::Format;

namespace {

int zlib_bits(Format format) {
    switch (format) {
    case Format::gzip: return reference::gzip_bits;
    case Format::deflate: return reference::zlib_bits;
    case Format::raw: return reference::raw_bits;
    }
    return 0;
}

// Empty, tiny, text that spans many output steps, and noise that deflate cannot shrink.
std::vector<std::string> bodies() {
    return {"", "x", reference::sample_text(100 * 1024), reference::noise(300 * 1024)};
}

}  // namespace

TEST_CASE("each format's output is read by zlib's inflate with that format's window bits") {
    for (Format format : {Format::gzip, Format::deflate, Format::raw}) {
        for (std::string const& body : bodies()) {
            CAPTURE(static_cast<int>(format));
            CAPTURE(body.size());
            reference::Inflated const back = reference::inflate(tern::compress::compress(body, format), zlib_bits(format));
            CHECK(back.ok);
            CHECK(back.ended);
            CHECK(back.data == body);
        }
    }
}

TEST_CASE("HTTP's deflate is the zlib framing that zlib's uncompress() reads") {
    std::string const body = reference::sample_text(50 * 1024);
    CHECK(reference::uncompress(tern::compress::compress(body, Format::deflate), body.size()) == body);
}

TEST_CASE("a gzip stream starts with the gzip magic bytes and deflate's method") {
    std::string const out = tern::compress::compress("hello", Format::gzip);
    REQUIRE(out.size() > 18);
    CHECK(out.substr(0, 3) == "\x1f\x8b\x08");
}

TEST_CASE("text shrinks, and a higher level is no larger") {
    std::string const body = reference::sample_text(64 * 1024);
    std::string const fast = tern::compress::compress(body, Format::gzip, 1);
    std::string const small = tern::compress::compress(body, Format::gzip, 9);
    CHECK(fast.size() < body.size() / 3);
    CHECK(small.size() <= fast.size());
}

TEST_CASE("output is appended after what the string already holds") {
    Encoder encoder(Format::deflate);
    std::string out = "HTTP/1.1 200 OK\r\n\r\n";
    encoder.write("body", out);
    encoder.finish(out);
    REQUIRE(out.starts_with("HTTP/1.1 200 OK\r\n\r\n"));
    CHECK(reference::uncompress(std::string_view{out}.substr(19), 4) == "body");
}

TEST_CASE("input written in small pieces gives a stream that decodes to the whole input") {
    std::string const body = reference::sample_text(40 * 1024);
    Encoder encoder(Format::gzip);
    std::string out;
    for (std::size_t i = 0; i < body.size(); i += 777) encoder.write(std::string_view{body}.substr(i, 777), out);
    encoder.finish(out);
    CHECK(reference::inflate(out, reference::gzip_bits).data == body);
}

TEST_CASE("after each flush, everything written so far decodes before the stream is finished") {
    // Server-Sent Events: each event must reach the client when it is sent.
    for (Format format : {Format::gzip, Format::deflate, Format::raw}) {
        CAPTURE(static_cast<int>(format));
        Encoder encoder(format);
        std::string out;
        std::string sent;
        for (int i = 0; i < 20; ++i) {
            std::string const event = "data: {\"tick\":" + std::to_string(i) + "}\n\n";
            encoder.write(event, out);
            encoder.flush(out);
            sent += event;
            reference::Inflated const so_far = reference::inflate(out, zlib_bits(format));
            CHECK(so_far.ok);
            CHECK_FALSE(so_far.ended);
            CHECK(so_far.data == sent);
        }
        encoder.finish(out);
        CHECK(reference::inflate(out, zlib_bits(format)).ended);
    }
}

TEST_CASE("every flush ends with the sync flush tail, even with nothing new to flush") {
    for (Format format : {Format::gzip, Format::deflate, Format::raw}) {
        CAPTURE(static_cast<int>(format));
        Encoder encoder(format);
        std::string out;
        encoder.write("some text, some text, some text", out);
        encoder.flush(out);
        CHECK(out.ends_with(tern::compress::sync_flush_tail));
        std::size_t const size = out.size();
        encoder.flush(out);  // zlib has nothing to emit here; an empty stored block is appended
        CHECK(out.size() == size + 5);
        CHECK(out.ends_with(tern::compress::sync_flush_tail));
        encoder.write(" and more", out);
        encoder.finish(out);
        reference::Inflated const back = reference::inflate(out, zlib_bits(format));
        CHECK(back.ended);
        CHECK(back.data == "some text, some text, some text and more");
    }
}

TEST_CASE("reset starts a new, independent stream with the same parameters") {
    Encoder encoder(Format::gzip, 9);
    std::string first;
    encoder.write("the first stream", first);
    encoder.finish(first);
    encoder.reset();
    std::string second;
    encoder.write("the second stream", second);
    encoder.finish(second);
    CHECK(reference::inflate(first, reference::gzip_bits).data == "the first stream");
    CHECK(second == tern::compress::compress("the second stream", Format::gzip, 9));
}

TEST_CASE("writing after finish is refused until reset") {
    Encoder encoder(Format::deflate);
    std::string out;
    encoder.finish(out);
    CHECK_THROWS_AS(encoder.write("more", out), std::logic_error);
    CHECK_THROWS_AS(encoder.flush(out), std::logic_error);
    encoder.reset();
    CHECK_NOTHROW(encoder.write("more", out));
}

TEST_CASE("a level, window or memory level out of zlib's range is refused before zlib sees it") {
    CHECK_THROWS_AS(Encoder(Format::gzip, 10), std::invalid_argument);
    CHECK_THROWS_AS(Encoder(Format::gzip, -2), std::invalid_argument);
    CHECK_THROWS_AS(Encoder(Format::raw, 6, 8), std::invalid_argument);  // zlib would use 9 or refuse
    CHECK_THROWS_AS(Encoder(Format::raw, 6, 16), std::invalid_argument);
    CHECK_THROWS_AS(Encoder(Format::raw, 6, 15, 0), std::invalid_argument);
    CHECK_NOTHROW(Encoder(Format::raw, -1, 9, 1));
}

TEST_CASE("a moved encoder carries its stream with it") {
    Encoder first(Format::gzip);
    std::string out;
    first.write("carried ", out);
    Encoder second = std::move(first);
    second.write("along", out);
    second.finish(out);
    CHECK(reference::inflate(out, reference::gzip_bits).data == "carried along");
}
