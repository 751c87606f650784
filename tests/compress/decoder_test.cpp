#include <tern/compress/decoder.hpp>  // first include: proves the header is self-contained

#include "zlib_reference.hpp"

#include <tern/compress/encoder.hpp>

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <utility>

using tern::compress::Decoder;
using tern::compress::Error;
using tern::compress::Format;

namespace {

constexpr std::size_t mib = 1024 * 1024;

// `printf 'hello, tern\n' | gzip -n -9`: a stream written by GNU gzip, not by zlib.
constexpr std::string_view gnu_gzip_hello{
    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xcb\x48\xcd\xc9\xc9\xd7"
    "\x51\x28\x49\x2d\xca\xe3\x02\x00\x53\xc6\x8a\x4f\x0c\x00\x00\x00",
    32};

std::string decode(std::string_view in, Format format) {
    Decoder decoder(format, 16 * mib);
    std::string out;
    decoder.write(in, out);
    CHECK(decoder.finished());
    return out;
}

std::string error_message(std::string_view in, Format format) {
    try {
        tern::compress::decompress(in, format, mib);
    } catch (Error const& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("a file written by GNU gzip decodes") {
    CHECK(decode(gnu_gzip_hello, Format::gzip) == "hello, tern\n");
}

TEST_CASE("each format decodes what zlib itself wrote in that framing") {
    std::string const body = reference::sample_text(200 * 1024);
    CHECK(decode(reference::deflate(body, reference::gzip_bits), Format::gzip) == body);
    CHECK(decode(reference::compress2(body), Format::deflate) == body);
    CHECK(decode(reference::deflate(body, reference::raw_bits), Format::raw) == body);
}

TEST_CASE("input fed one byte at a time decodes the same as input fed whole") {
    std::string const body = reference::sample_text(20 * 1024);
    std::string const gz = reference::deflate(body, reference::gzip_bits);
    Decoder decoder(Format::gzip, mib);
    std::string out;
    for (char c : gz) {
        CHECK_FALSE(decoder.finished());
        decoder.write(std::string_view{&c, 1}, out);
    }
    CHECK(decoder.finished());
    CHECK(out == body);
    CHECK(decoder.output_size() == body.size());
}

TEST_CASE("output is appended after what the string already holds") {
    Decoder decoder(Format::gzip, mib);
    std::string out = "prefix:";
    decoder.write(gnu_gzip_hello, out);
    CHECK(out == "prefix:hello, tern\n");
}

TEST_CASE("a truncated stream is not finished, and decompress() calls it an error") {
    std::string const gz = reference::deflate("a body cut short", reference::gzip_bits);
    Decoder decoder(Format::gzip, mib);
    std::string out;
    decoder.write(std::string_view{gz}.substr(0, gz.size() - 4), out);  // without the length field
    CHECK_FALSE(decoder.finished());
    CHECK(error_message(std::string_view{gz}.substr(0, gz.size() - 1), Format::gzip).find("truncated") !=
          std::string::npos);
    CHECK(error_message("", Format::gzip).find("truncated") != std::string::npos);
}

TEST_CASE("corrupt input throws Error with zlib's reason") {
    std::string gz = reference::deflate(reference::sample_text(4096), reference::gzip_bits);
    CHECK(error_message("not compressed at all", Format::gzip).find("zlib inflate: incorrect header check") !=
          std::string::npos);
    std::string bad_crc = gz;
    bad_crc[bad_crc.size() - 6] ^= 0x55;  // inside the CRC-32 of the trailer
    CHECK(error_message(bad_crc, Format::gzip).find("incorrect data check") != std::string::npos);
    std::string bad_block = gz;
    bad_block[10] = '\xff';  // the first block header: BTYPE 11 is reserved
    CHECK(error_message(bad_block, Format::gzip).find("zlib inflate") != std::string::npos);
}

TEST_CASE("a stream in another framing is refused") {
    std::string const body = "framed one way, read another";
    CHECK_THROWS_AS(decode(reference::compress2(body), Format::gzip), Error);
    CHECK_THROWS_AS(decode(reference::deflate(body, reference::gzip_bits), Format::deflate), Error);
}

TEST_CASE("a stream that needs a preset dictionary is refused") {
    z_stream z{};
    REQUIRE(deflateInit(&z, 6) == Z_OK);
    REQUIRE(deflateSetDictionary(&z, reinterpret_cast<Bytef const*>("dictionary"), 10) == Z_OK);
    char buffer[256];
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>("dictionary words"));
    z.avail_in = 16;
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
    std::string const stream(buffer, z.total_out);
    deflateEnd(&z);
    CHECK(error_message(stream, Format::deflate).find("need dictionary") != std::string::npos);
}

TEST_CASE("data after the end of a deflate or raw stream is an error") {
    for (Format format : {Format::deflate, Format::raw}) {
        std::string const stream = tern::compress::compress("complete", format) + "junk";
        Decoder decoder(format, mib);
        std::string out;
        CHECK_THROWS_WITH_AS(decoder.write(stream, out), doctest::Contains("after the end"), Error);
    }
}

TEST_CASE("a gzip file of two members decodes as their concatenation") {
    // RFC 1952 2.2: what `cat a.gz b.gz` makes, and gunzip reads.
    std::string const both = tern::compress::compress("first member, ", Format::gzip) +
                             tern::compress::compress("second member", Format::gzip);
    CHECK(decode(both, Format::gzip) == "first member, second member");
    Decoder decoder(Format::gzip, mib);
    std::string out;
    decoder.write(gnu_gzip_hello, out);
    CHECK(decoder.finished());
    decoder.write(std::string_view{gnu_gzip_hello}.substr(0, 20), out);
    CHECK_FALSE(decoder.finished());  // the second member has begun
    decoder.write(std::string_view{gnu_gzip_hello}.substr(20), out);
    CHECK(decoder.finished());
    CHECK(out == "hello, tern\nhello, tern\n");
}

TEST_CASE("reset decodes a new stream after a finished or a broken one") {
    Decoder decoder(Format::deflate, mib);
    std::string out;
    CHECK_THROWS_AS(decoder.write("garbage", out), Error);
    decoder.reset();
    out.clear();
    decoder.write(reference::compress2("after the reset"), out);
    CHECK(decoder.finished());
    CHECK(out == "after the reset");
    decoder.reset();
    CHECK_FALSE(decoder.finished());
    CHECK(decoder.output_size() == 0);
}

TEST_CASE("a window smaller than zlib's range is refused") {
    CHECK_THROWS_AS(Decoder(Format::raw, mib, 7), std::invalid_argument);
    CHECK_THROWS_AS(Decoder(Format::raw, mib, 16), std::invalid_argument);
    CHECK_NOTHROW(Decoder(Format::raw, mib, 8));
}

TEST_CASE("a moved decoder carries its stream with it") {
    Decoder first(Format::gzip, mib);
    std::string out;
    first.write(gnu_gzip_hello.substr(0, 15), out);
    Decoder second = std::move(first);
    second.write(gnu_gzip_hello.substr(15), out);
    CHECK(second.finished());
    CHECK(out == "hello, tern\n");
}
